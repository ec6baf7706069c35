"""One-shot load of every course (content/courses) into a deployed table:
`make load-course TABLE_NAME=<name>`.

Uses the same loader as the local run and the tests; credentials and region come from the
usual AWS environment (AWS_PROFILE, AWS_REGION). Loading again rewrites the same items.
"""

import os
import sys

from practice.compose import dynamodb_stores
from practice.courses.service import load_courses
from practice.runtime.clients import dynamodb_client
from practice_local.cloud.template import REPO_ROOT

COURSES_DIR = REPO_ROOT / "content" / "courses"


def main() -> int:
    table = os.environ.get("TABLE_NAME")
    if not table:
        print("TABLE_NAME is not set: give the stack's PracticeTableName output", file=sys.stderr)
        return 2
    courses = load_courses(dynamodb_stores(dynamodb_client(), table).courses, COURSES_DIR)
    for course in courses:
        print(
            f"loaded {course.course_id}: {len(course.phrases)} phrases, {len(course.dialogs)} dialogs, "
            f"{len(course.drills)} drills into {table}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
