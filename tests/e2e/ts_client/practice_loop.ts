// The practice loop through a client generated from docs/openapi.json (openapi-typescript +
// openapi-fetch), compiled with strict TypeScript: a response field the spec marked optional
// would not compile here without a fallback (`?? []`). Prints what it saw as one JSON line.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type ReviewEvent = NonNullable<components["schemas"]["CompleteSessionRequest"]["reviews"]>[number];

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: node practice_loop.js <base url> <bearer token>");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

const daily = await api.GET("/api/v2/practice/daily", { params: { header: { "x-timezone": "Europe/Madrid" } } });
if (!daily.data) throw new Error(`daily pack: ${daily.response.status} ${JSON.stringify(daily.error)}`);
const pack = daily.data;

// Review events as the app records them offline: both kinds, with their times, and a learning
// step (the first phrase failed, then seen again and passed)
const second = (n: number) => new Date(Date.now() + n * 1000).toISOString();
const phrases = [...pack.review_phrases, ...pack.new_phrases];
const reviews: ReviewEvent[] = phrases.map((phrase, index) =>
  index % 2 === 0
    ? { phrase_id: phrase.phrase_id, rating: index === 0 ? "again" : "good", reviewed_at: second(index), duration_ms: 1500 }
    : { phrase_id: phrase.phrase_id, correct: true, reviewed_at: second(index) },
);
const first = phrases[0];
if (first) reviews.push({ phrase_id: first.phrase_id, rating: "good", reviewed_at: second(phrases.length) });
const session = { params: { path: { session_id: pack.session_id } } };
const done = await api.POST("/api/v2/practice/sessions/{session_id}/complete", {
  ...session,
  body: { reviews, completed_at: second(phrases.length + 1), dialog_completed: pack.dialog !== null, drill_completed: false },
});
if (!done.data) throw new Error(`complete: ${done.response.status} ${JSON.stringify(done.error)}`);

const stored = await api.GET("/api/v2/practice/sessions/{session_id}", session);
const changed = await api.PATCH("/api/v2/practice/profile", { body: { daily_new_limit: 5 } });
const missing = await api.GET("/api/v2/practice/sessions/{session_id}", {
  params: { path: { session_id: "0".repeat(26) } },
});
const goal = await api.PATCH("/api/v2/practice/profile", { body: { daily_goal_xp: 50 } });
const history = await api.GET("/api/v2/practice/sessions", { params: { query: { limit: 1 } } });
const forged = await api.GET("/api/v2/practice/sessions", { params: { query: { cursor: "Zm9yZ2VkLCBhbmQgbG9uZyBlbm91Z2g" } } });
const stats = await api.GET("/api/v2/practice/stats", {});
// The phrasebook: a page, what changed since it (nothing), and the page again while the app's
// copy is current: a 304 with no body
const book = await api.GET("/api/v2/practice/phrases", {
  params: { query: { limit: 100 }, header: { "x-app-version": "2.4.0" } },
});
const bookDelta = await api.GET("/api/v2/practice/phrases", { params: { query: { since: book.data?.sync_token ?? "" } } });
const bookTag = book.response.headers.get("etag") ?? "";
const bookAgain = await api.GET("/api/v2/practice/phrases", {
  params: { query: { limit: 100 }, header: { "if-none-match": bookTag } },
});
// The catalog, a course that is not there, and a switch: the next pack is the new course's
const catalog = await api.GET("/api/v2/practice/courses", {});
const unknownCourse = await api.PATCH("/api/v2/practice/profile", { body: { course_id: "xx-en" } });
const switched = await api.PATCH("/api/v2/practice/profile", { body: { course_id: "fr-en" } });
const frenchDaily = await api.GET("/api/v2/practice/daily", {});
// Devices for reminders: registered (201), again on the next start (200), one removed (204)
const phone = { platform: "ios" as const, token: "ts-client-token-of-the-phone", app_version: "3.2.0", locale: "fr-FR" };
const device = await api.POST("/api/v2/practice/devices", { body: phone });
const deviceAgain = await api.POST("/api/v2/practice/devices", { body: { ...phone, app_version: "3.3.0" } });
const tablet = await api.POST("/api/v2/practice/devices", { body: { ...phone, platform: "android", token: "ts-client-token-of-the-tablet" } });
const removed = await api.DELETE("/api/v2/practice/devices/{device_id}", {
  params: { path: { device_id: tablet.data?.device_id ?? "" } },
});
const reminders = await api.PATCH("/api/v2/practice/profile", { body: { reminders: { time: "08:30" } } });
// The export's items narrow by their `type` (a discriminated union in the spec)
const exported = await api.GET("/api/v2/practice/export", {});
const exportedKeys = exported.data?.items.map((item) =>
  item.type === "session"
    ? `session:${item.session_id}`
    : item.type === "card"
      ? `card:${item.phrase_id}`
      : item.type === "device"
        ? `device:${item.device_id}`
        : `day:${item.day}`,
);
const deleted = await api.DELETE("/api/v2/practice/profile", {});
const afterDeletion = await api.GET("/api/v2/practice/profile", {});
const exportAfterDeletion = await api.GET("/api/v2/practice/export", {});

console.log(
  JSON.stringify({
    phrases: pack.review_phrases.length + pack.new_phrases.length,
    dialog: pack.dialog?.dialog_id ?? null,
    status: done.data.status,
    total_xp: done.data.total_xp,
    learner_total_xp: done.data.learner?.total_xp ?? null,
    streak_after: done.data.streak_after,
    stored_status: stored.data?.status ?? null,
    review_log: stored.data?.reviews.length ?? null,
    reviews_sent: reviews.length,
    practice_day: stored.data?.practice_day ?? null,
    daily_new_limit: changed.data?.daily_new_limit ?? null,
    missing_status: missing.response.status,
    missing_code: missing.error?.error.code ?? null,
    goal_xp: goal.data?.today.goal_xp ?? null,
    history_ids: history.data?.sessions.map((s) => s.session_id) ?? null,
    forged_status: forged.response.status,
    forged_code: forged.error?.error.code ?? null,
    stats_days: stats.data?.days.length ?? null,
    stats_today: stats.data?.today ?? null,
    book: book.data?.phrases.map((p) => [p.phrase_id, p.state, p.reps, p.leech]) ?? null,
    book_strengths: book.data?.phrases.map((p) => p.strength) ?? null,
    book_delta: bookDelta.data ? [bookDelta.data.phrases.length, bookDelta.data.removed.length, bookDelta.data.has_more] : null,
    book_tag: bookTag,
    book_again_status: bookAgain.response.status,
    book_again_body: bookAgain.data ?? null,
    courses: catalog.data?.courses.map((c) => [c.course_id, c.phrases, c.active, c.phrases_introduced]) ?? null,
    unknown_course_status: unknownCourse.response.status,
    unknown_course_code: unknownCourse.error?.error.code ?? null,
    switched_course: switched.data?.course_id ?? null,
    switched_progress: switched.data?.courses.map((c) => [c.course_id, c.phrases_introduced]) ?? null,
    french_pack_course: frenchDaily.data?.course_id ?? null,
    french_session_id: frenchDaily.data?.session_id ?? null,
    french_pack_audio: frenchDaily.data ? [...frenchDaily.data.review_phrases, ...frenchDaily.data.new_phrases].map((p) => p.audio_url) : null,
    session_id: pack.session_id,
    devices: [device.response.status, deviceAgain.response.status, tablet.response.status, removed.response.status],
    device_ids: [device.data?.device_id ?? null, deviceAgain.data?.device_id ?? null],
    device_language: device.data?.language ?? null,
    reminders: reminders.data?.reminders ?? null,
    exported_keys: exportedKeys ?? null,
    exported_profile_xp: exported.data?.profile?.total_xp ?? null,
    deleted_status: deleted.response.status,
    deleted: deleted.data?.status ?? null,
    total_xp_after_deletion: afterDeletion.data?.total_xp ?? null,
    export_after_deletion: exportAfterDeletion.data ?? null,
  }),
);
