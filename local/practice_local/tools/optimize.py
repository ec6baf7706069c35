"""`make optimize USER=alice`: fit one learner's FSRS parameters with the optimizer's own code
(functions/optimizer) against the embedded DynamoDB, and show what it found.

Without DYNAMODB_URL, an embedded stack is started (tables from template.yaml, the sample course),
and the learner first practises DAYS simulated days through the session service, answering as a
real Anki user's fitted FSRS-6 parameters predict (local/practice_local/simulation/learner.py).
With DYNAMODB_URL (the embedded DynamoDB of a running `make run DYNAMODB_PORT=8000`, say), the
learner's own practice in that server's table is fitted instead."""

import argparse
import os
from datetime import UTC, datetime, timedelta

from optimizer.learner import FitOutcome, optimize_learner
from optimizer.model import FitRules
from practice.compose import dynamodb_stores, fit_store
from practice.domain.fit_policy import FitPolicy
from practice.runtime.clients import dynamodb_client
from practice_local.cloud.stack import LOCAL_TABLE_NAMES, configure_environment, start_local_stack
from practice_local.simulation.learner import START, practise_simulated


def simulate_and_fit(user_id: str, days: int) -> FitOutcome | None:
    with start_local_stack(poll_queues=False) as stack:
        client, table = dynamodb_client(), stack.table_names["PracticeTable"]
        practise_simulated(dynamodb_stores(client, table), user_id, days)
        now = START + timedelta(days=days)
        return optimize_learner(
            fit_store(client, table), user_id, now=now, policy=FitPolicy(), rules=FitRules(), force=True
        )


def fit_running(user_id: str, dynamodb_url: str) -> FitOutcome | None:
    configure_environment(
        {
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": os.environ.get("AWS_REGION", "eu-west-1"),
        },
        embedded=True,
    )
    store = fit_store(dynamodb_client(), LOCAL_TABLE_NAMES["PracticeTable"])
    return optimize_learner(
        store, user_id, now=datetime.now(UTC), policy=FitPolicy(), rules=FitRules(), force=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make optimize", description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--dynamodb-url", help="a running local server's embedded DynamoDB")
    args = parser.parse_args(argv)
    if args.dynamodb_url:
        outcome = fit_running(args.user, args.dynamodb_url)
    else:
        outcome = simulate_and_fit(args.user, args.days)
    if outcome is None:
        print(f"no learner '{args.user}' (or they are being erased): nothing to fit")
        return 1
    judgement = outcome.judgement
    print(f"learner {args.user}: {outcome.reviews} reviews read, fit took {outcome.seconds:.2f} s")
    if judgement is None:
        print("too few reviews, or too few on later days, to fit and judge: the parameters stay")
        return 0
    print(
        f"items: {judgement.train_items} to fit, {judgement.held_out_items} held out (the latest); "
        f"log loss on those {judgement.log_loss_before:.4f} with the parameters in use, "
        f"{judgement.log_loss_after:.4f} fitted: {'ADOPTED' if judgement.adopted else 'not adopted'}"
    )
    print("fitted parameters:", ", ".join(f"{w:.4f}" for w in judgement.candidate))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
