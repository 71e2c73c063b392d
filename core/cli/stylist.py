"""Stylist verbs: outfit (complete looks around a piece or a cart) and profile (client books)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from core.cli.common import add_common, mkdir_for, settings_from, to_json
from core.errors import AtelierError

PROFILE_ACTIONS = ["list", "create", "show", "like", "dislike", "favourite", "cart", "history", "export", "erase",
                   "reassign"]


def register(sub) -> None:
    sp = sub.add_parser("outfit", help="complete outfits around an item (or a profile's cart)")
    sp.add_argument("--item")
    sp.add_argument("--query", help='build around the best match for these words, e.g. "floral dress"')
    sp.add_argument("--profile")
    sp.add_argument("--as", dest="as_stylist", metavar="STYLIST", help="act as this stylist (with --profile)")
    sp.add_argument("--budget", type=float)
    sp.add_argument("--k", type=int, default=3)
    sp.add_argument("--occasion", choices=["office", "evening", "weekend"],
                    help="keep out what is not worn there (office: no hoodies or sneakers)")
    add_common(sp)
    sp.set_defaults(func=cmd_outfit)

    sp = sub.add_parser("profile", help="client profiles: list, create, show, like, dislike, favourite, cart, "
                        "history, export, erase, reassign")
    sp.add_argument("action", choices=PROFILE_ACTIONS)
    sp.add_argument("name", nargs="?")
    sp.add_argument("--item")
    sp.add_argument("--out", help="export: the zip to write (default client-<id>.zip)")
    sp.add_argument("--to", help="reassign: the new owner (admins only)")
    sp.add_argument("--yes", action="store_true", help="erase: confirm")
    sp.add_argument("--as", dest="as_stylist", metavar="STYLIST",
                    help="act as this stylist (e-mail); required when sign-in is configured")
    add_common(sp)
    sp.set_defaults(func=cmd_profile)


def profile_store(settings, args=None):
    """The profile store acting as `--as STYLIST` (required when sign-in is configured; see core.auth)."""
    from core.auth import cli_stylist
    from core.profiles import ProfileStore, database_url

    return ProfileStore(database_url(settings), cli_stylist(getattr(args, "as_stylist", None), settings))


def cmd_outfit(args) -> int:
    from core.stylist import build_outfits, taste_of
    from core.studio import open_studio

    from core.validate import price, whole

    whole(args.k, "--k", 1, 50)
    if args.budget is not None:
        price(args.budget, "--budget")
    settings = settings_from(args)
    studio = open_studio(settings)
    taste = None
    anchors = [args.item] if args.item else []
    if not anchors and args.query:  # "floral dress": the best matching piece is the anchor
        from core.stylist import anchor_candidates

        found = anchor_candidates(studio.index, studio.encoder, args.query, n=1)
        anchors = [found[0].id] if found else []
        if found.note:  # no piece of the kind asked ("blazer"): said, the nearest used
            print(found.note, file=sys.stderr)
    if args.profile:
        store = profile_store(settings, args)
        profile = store.get(args.profile)
        taste = taste_of(store, profile, studio.index)
        if not anchors:
            anchors = store.items(profile.id, "cart")
    outfits = build_outfits(studio.index, anchors, k=args.k, budget=args.budget, taste=taste, occasion=args.occasion)
    if args.json:
        print(to_json([o.to_json() for o in outfits]))
    else:
        for n, o in enumerate(outfits, 1):
            print(f"Look {n}: ${o.total_price:.2f}  score {o.score:.3f}")
            for h in o.items:
                print(f"   {h.metadata.get('name', '') or h.id:<32} {h.id}")
            print("   why: " + "; ".join(o.reasons))
        if getattr(outfits, "shortfall", ""):
            print(outfits.shortfall)
    return 0


def cmd_profile(args) -> int:
    settings = settings_from(args)
    store = profile_store(settings, args)
    if args.action == "list":
        rows = [{"id": p.id, "name": p.name, "owner": p.owner} for p in store.list()]
        print(to_json(rows) if args.json else "\n".join(f"{r['id']:>4}  {r['name']}  ({r['owner']})" for r in rows))
        return 0
    if not args.name:
        raise AtelierError("Give the profile name: python -m core profile create NAME")
    if args.action == "create":
        p = store.create(args.name)
        print(to_json({"id": p.id, "name": p.name}) if args.json else f"created profile {p.name}")
        return 0
    profile = store.get(args.name)
    action = _BOOK_ACTIONS.get(args.action)
    if action is not None:
        return action(args, store, profile)
    # like, dislike, favourite, cart: one mark on a catalog item
    if not args.item:
        raise AtelierError(f"'{args.action}' needs --item ID.")
    check_catalog_item(settings, args.item)
    store.mark(profile.id, args.item, args.action, True)
    print(to_json({"ok": True}) if args.json else f"{args.action}: {args.item} for {profile.name}")
    return 0


def _history(args, store, profile) -> int:
    rows = store.history(profile.id)
    print(to_json(rows) if args.json else "\n".join(
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(r['at']))}Z  {r['actor']}  {r['action']}  "
        + ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("actor", "at", "action")) for r in rows))
    return 0


def _export(args, store, profile) -> int:
    out = Path(args.out or f"client-{profile.id}.zip")
    mkdir_for(out)
    out.write_bytes(store.export(profile.id))
    print(to_json({"ok": True, "out": str(out)}) if args.json else f"exported {profile.name} to {out}")
    return 0


def _erase(args, store, profile) -> int:
    if not args.yes:
        raise AtelierError(f"Erasing {profile.name!r} deletes all of the client's data for good; add --yes.")
    store.erase(profile.id)
    print(to_json({"ok": True, "erased": profile.id}) if args.json else f"erased client #{profile.id}")
    return 0


def _reassign(args, store, profile) -> int:
    if not args.to:
        raise AtelierError("'reassign' needs --to STYLIST (the new owner's e-mail).")
    p = store.reassign(profile.id, args.to)
    print(to_json({"ok": True, "id": p.id, "owner": p.owner}) if args.json else f"{p.name} now belongs to {p.owner}")
    return 0


def _show(args, store, profile) -> int:
    data = {k: store.items(profile.id, k) for k in ("like", "dislike", "favourite", "cart")}
    data["searches"] = store.search_history(profile.id, 20)
    print(to_json(data) if args.json else "\n".join(f"{k}: {', '.join(v)}" for k, v in data.items()))
    return 0


_BOOK_ACTIONS = {"history": _history, "export": _export, "erase": _erase, "reassign": _reassign, "show": _show}


def check_catalog_item(settings, item_id: str) -> None:
    """A like, dislike, favourite or cart entry names a catalog item: refused when the catalog's index is built
    and holds no such id (a typo would otherwise be stored and never shown). No index yet: nothing to check."""
    from core.store import IndexStore, collection_name

    store = IndexStore(settings)
    prefix = collection_name(settings.catalog_name, "x")[:-1]
    names = [n for n in store.list_collections() if n.startswith(prefix)]
    if not names:
        return
    for name in names:
        col = store.reader_collection(name)
        if col is not None and col.get(ids=[item_id], include=[])["ids"]:
            return
    raise AtelierError(f"No item {item_id!r} in the catalog '{settings.catalog_name}'; check the id "
                       "(`python -m core search --text ...` lists ids).")
