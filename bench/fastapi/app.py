"""The FastAPI + uvicorn baseline of the benchmark: the same endpoints the benchmark drives, on
the same database, written the way a FastAPI starter writes them (JWT bearer tokens, argon2
passwords, the caller looked up on every authenticated request, then the requested user).

Configured by environment: BENCH_DATABASE_URL (sqlite:///absolute/path or postgresql://...) and
BENCH_JWT_SECRET.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

DATABASE_URL = os.environ["BENCH_DATABASE_URL"]
SECRET = os.environ["BENCH_JWT_SECRET"]
HASHER = PasswordHasher(memory_cost=19 * 1024, time_cost=2, parallelism=1)
SQLITE = DATABASE_URL.startswith("sqlite://")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"""

if SQLITE:
    import sqlite3

    _local = threading.local()

    @contextmanager
    def connection() -> Iterator[Any]:
        if not hasattr(_local, "connection"):
            _local.connection = sqlite3.connect(
                DATABASE_URL.removeprefix("sqlite://"), check_same_thread=False
            )
            _local.connection.execute("PRAGMA journal_mode=WAL")
        yield _local.connection
        _local.connection.commit()

    PLACEHOLDER = "?"
else:
    from psycopg_pool import ConnectionPool

    _pool = ConnectionPool(DATABASE_URL, min_size=2, max_size=8, open=True)

    @contextmanager
    def connection() -> Iterator[Any]:
        with _pool.connection() as conn:
            yield conn

    PLACEHOLDER = "%s"

with connection() as conn:
    conn.execute(SCHEMA)

app = FastAPI()


class Register(BaseModel):
    email: str
    name: str
    password: str


class Login(BaseModel):
    email: str
    password: str


def fetch_user(user_id: str) -> dict[str, str] | None:
    with connection() as conn:
        row = conn.execute(
            f"SELECT id, email, name, created_at FROM users WHERE id = {PLACEHOLDER}",
            (user_id,),
        ).fetchone()
    if row is None:
        return None
    return {"id": row[0], "email": row[1], "name": row[2], "created_at": row[3]}


def current_user(authorization: Annotated[str, Header()] = "") -> dict[str, str]:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        raise HTTPException(status_code=401, detail="authentication required")
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.PyJWTError as error:
        raise HTTPException(status_code=401, detail="authentication required") from error
    user = fetch_user(str(claims["sub"]))
    if user is None:
        raise HTTPException(status_code=401, detail="authentication required")
    return user


@app.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/v1/auth/register", status_code=201)
def register(body: Register) -> dict[str, str]:
    user = {
        "id": str(uuid.uuid4()),
        "email": body.email.lower(),
        "name": body.name,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with connection() as conn:
        conn.execute(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES "
            f"({PLACEHOLDER}, {PLACEHOLDER}, {PLACEHOLDER}, {PLACEHOLDER}, {PLACEHOLDER})",
            (
                user["id"],
                user["email"],
                user["name"],
                HASHER.hash(body.password),
                user["created_at"],
            ),
        )
    return user


@app.post("/api/v1/auth/login")
def login(body: Login) -> dict[str, Any]:
    with connection() as conn:
        row = conn.execute(
            f"SELECT id, password_hash FROM users WHERE email = {PLACEHOLDER}",
            (body.email.lower(),),
        ).fetchone()
    if row is None:
        raise HTTPException(status_code=401, detail="invalid email or password")
    try:
        HASHER.verify(row[1], body.password)
    except Exception as error:
        raise HTTPException(status_code=401, detail="invalid email or password") from error
    now = int(time.time())
    token = jwt.encode({"sub": row[0], "iat": now, "exp": now + 3600}, SECRET, algorithm="HS256")
    return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}


@app.get("/api/v1/users/{user_id}")
def get_user(
    user_id: uuid.UUID, _caller: Annotated[dict[str, str], Depends(current_user)]
) -> dict[str, str]:
    user = fetch_user(str(user_id))
    if user is None:
        raise HTTPException(status_code=404, detail="user not found")
    return user
