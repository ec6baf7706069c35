// The practice loop through a client generated from docs/openapi.json (openapi-typescript +
// openapi-fetch), compiled with strict TypeScript: a response field the spec marked optional
// would not compile here without a fallback (`?? []`). Prints what it saw as one JSON line.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Result = components["schemas"]["CompleteSessionRequest"]["results"][number];

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: node practice_loop.js <base url> <bearer token>");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

const daily = await api.GET("/api/v2/practice/daily", { params: { header: { "x-timezone": "Europe/Madrid" } } });
if (!daily.data) throw new Error(`daily pack: ${daily.response.status} ${JSON.stringify(daily.error)}`);
const pack = daily.data;

// Both kinds of result, as the app sends them
const results: Result[] = [...pack.review_phrases, ...pack.new_phrases].map((phrase, index) =>
  index % 2 === 0 ? { phrase_id: phrase.phrase_id, rating: "good" } : { phrase_id: phrase.phrase_id, correct: true },
);
const session = { params: { path: { session_id: pack.session_id } } };
const done = await api.POST("/api/v2/practice/sessions/{session_id}/complete", {
  ...session,
  body: { results, dialog_completed: pack.dialog !== null, drill_completed: false },
});
if (!done.data) throw new Error(`complete: ${done.response.status} ${JSON.stringify(done.error)}`);

const stored = await api.GET("/api/v2/practice/sessions/{session_id}", session);
const changed = await api.PATCH("/api/v2/practice/profile", { body: { daily_new_limit: 5 } });
const missing = await api.GET("/api/v2/practice/sessions/{session_id}", {
  params: { path: { session_id: "0".repeat(26) } },
});

console.log(
  JSON.stringify({
    phrases: pack.review_phrases.length + pack.new_phrases.length,
    dialog: pack.dialog?.dialog_id ?? null,
    status: done.data.status,
    total_xp: done.data.total_xp,
    learner_total_xp: done.data.learner?.total_xp ?? null,
    streak_after: done.data.streak_after,
    stored_status: stored.data?.status ?? null,
    daily_new_limit: changed.data?.daily_new_limit ?? null,
    missing_status: missing.response.status,
    missing_code: missing.error?.error.code ?? null,
  }),
);
