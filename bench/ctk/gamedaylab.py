"""Chaos Toolkit activities for gameday's lab, used by bench/ctk/storefront-strong-dependency.json.

Only what Chaos Toolkit has no built-in provider for: a cut-over is a POST to the lab's control
plane followed by polling the cut-over until its state is done (as the drill's `cutover.poll`
does, every 50 ms), and a tolerance that checks which unit served a probe (the gateway's X-Unit
header). Everything else in the experiment is CTK's own http and process providers.
"""

import time

import requests
from chaoslib.exceptions import ActivityFailed


def served_by(unit: str, value: dict = None) -> bool:
    """Tolerance of an http probe: 200 and served by `unit` (the gateway's X-Unit header). CTK passes
    the probe's result as `value`."""
    value = value or {}
    return value.get("status") == 200 and value.get("headers", {}).get("X-Unit") == unit


def _move(url: str, token: str, body, poll_interval: float, timeout: float) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    with requests.Session() as session:
        answer = session.post(url, json=body, headers=headers, timeout=5)
        if answer.status_code not in (200, 202):
            raise ActivityFailed(f"POST {url}: {answer.status_code} {answer.text}")
        cutover = answer.json()["id"]
        base = url.rsplit("/v1/", 1)[0]
        deadline = time.monotonic() + timeout
        while True:
            state = session.get(f"{base}/v1/cutovers/{cutover}", headers=headers, timeout=5).json()["state"]
            if state == "done":
                return {"id": cutover, "state": state}
            if state == "failed":
                raise ActivityFailed(f"cut-over {cutover} failed")
            if time.monotonic() > deadline:
                raise ActivityFailed(f"cut-over {cutover} not done within {timeout}s (state {state})")
            time.sleep(poll_interval)


def cut_over(control_plane_url: str, source: str, destination: str, users: list,
             poll_interval: float = 0.05, timeout: float = 30, secrets: dict = None) -> dict:
    """POST /v1/cutovers {from, to, users}, then poll it until done."""
    body = {"from": source, "to": destination, "users": users}
    return _move(f"{control_plane_url}/v1/cutovers", secrets["token"], body, poll_interval, timeout)


def cut_back(control_plane_url: str, poll_interval: float = 0.05, timeout: float = 30,
             secrets: dict = None) -> dict:
    """POST /v1/cutback (the baseline rule again), then poll it until done."""
    return _move(f"{control_plane_url}/v1/cutback", secrets["token"], None, poll_interval, timeout)
