"""Bench peer: the lightest FastAPI function a team would ship instead of ours: FastAPI behind
Mangum, a botocore DynamoDB client, and one GET route returning a small pydantic model."""

import os

import botocore.session
from fastapi import FastAPI
from mangum import Mangum
from pydantic import BaseModel

app = FastAPI()
dynamodb = botocore.session.get_session().create_client("dynamodb", region_name=os.environ.get("AWS_REGION"))


class Pack(BaseModel):
    pack_id: str
    phrases: list[str]


@app.get("/api/v2/practice/daily")
def daily() -> Pack:
    return Pack(pack_id="daily_2026-12-02", phrases=["hola", "gracias"])


lambda_handler = Mangum(app, lifespan="off")
