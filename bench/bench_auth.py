"""What sign-in and client books add to one page run (target: < 50 ms), measured on the work a page run does.

A signed-in page run adds, over today's: reading st.user (claims Streamlit already decoded from its cookie when
the browser connected, not per run), the claims -> stylist step (with the settings read), binding the store to
the stylist, and one ownership check (an indexed SELECT) inside each profile-store call. The Stylist page makes
about a dozen store calls per run; this bench runs exactly those calls with the checks and with them disabled,
and the per-run sign-in steps, and prints the added milliseconds against the 50 ms limit.

    python -m bench.bench_auth [--runs 200]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time


from core.auth import LOCAL, Stylist, session_expired, stylist_from_claims  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.profiles import ProfileStore  # noqa: E402

LIMIT_MS = 50.0


def stylist_page_calls(store: ProfileStore, pid: int) -> None:
    """The store calls one run of pages/5_Stylist.py makes (picker + marks + tabs)."""
    store.list()
    store.get(pid)
    for kind in ("like", "dislike", "cart", "favourite"):
        store.items(pid, kind)
    store.items(pid, "cart")
    store.artefacts(pid, "design")
    store.search_history(pid, 30)
    store.items(pid, "favourite")


def timed(fn, runs: int) -> float:
    fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = ProfileStore(f"sqlite:///{tmp}/profiles.sqlite3", LOCAL)
        ana = base.acting_as(Stylist("ana@x.test", "Ana"))
        for n in range(200):  # a team's database: 200 clients over 10 stylists, 40 marks each
            s = base.acting_as(Stylist(f"s{n % 10}@x.test"))
            p = s.create(f"Client {n}")
            for i in range(40):
                s.mark(p.id, f"item-{i}", ("like", "dislike", "favourite", "cart")[i % 4])
        pid = ana.create("Clara").id
        for i in range(40):
            ana.mark(pid, f"item-{i}", ("like", "dislike", "favourite", "cart")[i % 4])

        checked = timed(lambda: stylist_page_calls(ana, pid), args.runs)
        original = ProfileStore._owned
        ProfileStore._owned = lambda self, conn, profile_id: None  # today's code path: no ownership check
        try:
            unchecked = timed(lambda: stylist_page_calls(base, pid), args.runs)
        finally:
            ProfileStore._owned = original
        claims = {"email": "ana@x.test", "name": "Ana", "exp": time.time() + 3600, "is_logged_in": True}
        sign_in = timed(lambda: (session_expired(claims), stylist_from_claims(claims, load_settings()),
                                 base.acting_as(Stylist("ana@x.test"))), args.runs)
    added = checked - unchecked + sign_in
    print(f"Stylist page's store calls, median of {args.runs}: {unchecked:.2f} ms unchecked -> {checked:.2f} ms with "
          f"ownership checks (+{checked - unchecked:.2f} ms)")
    print(f"per-run sign-in steps (claims -> stylist, settings read, store bound): {sign_in:.2f} ms")
    print(f"added per page run: {added:.2f} ms = {added / LIMIT_MS:.2f} of the {LIMIT_MS:.0f} ms limit")


if __name__ == "__main__":
    main()
