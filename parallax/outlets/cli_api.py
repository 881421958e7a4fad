"""What `parallax outlets list` and `parallax outlets show` print: text or JSON."""

from __future__ import annotations

import json

from ..options import Options
from ..store import Store
from .profile import OutletProfile, OutletRow, list_outlets, outlet_profile, registry_rows
from .registry import load_registry


def outlets_list(
    store: Store | None, options: Options, include_all: bool = False, as_json: bool = False
) -> str:
    """Registry outlets seen in the store, with article and story counts (all of it with ``include_all``)."""
    registry = load_registry(options)
    rows = list_outlets(store, registry, include_all) if store is not None else registry_rows(registry)
    if as_json:
        return json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False)
    if not rows:
        return "no articles stored yet: run `parallax analyze DIR` first (or --all for the whole registry)"
    return "\n".join(_list_line(r) for r in rows)


def _list_line(row: OutletRow) -> str:
    where = f"{row.country}, {row.type}" if row.registered else "not in the registry"
    return f"{row.articles:>5} articles {row.stories:>4} stories  {row.name}  ({where})"


def outlets_show(store: Store, options: Options, name: str, as_json: bool = False) -> str:
    """One outlet's registry facts, its stories and its habits across them."""
    profile = outlet_profile(store, name, load_registry(options))
    if as_json:
        data = profile.as_dict()
        data["exclusive_rate"] = round(profile.exclusive_rate, 4)
        return json.dumps(data, indent=2, ensure_ascii=False)
    return format_profile(profile)


def format_profile(p: OutletProfile) -> str:
    lines = [p.name]
    if p.entry is not None:
        e = p.entry
        lines.append(f"  {e.country}, {e.type}{', agency' if e.agency and e.type != 'wire agency' else ''}"
                     f"{'; owner: ' + e.owner if e.owner else ''}; language: {e.language or '?'}")
        if e.domains:
            lines.append(f"  domains: {' '.join(e.domains)}")
        lines.append(f"  source: {e.source}")
    else:
        lines.append("  not in the registry (country, type and owner unknown)")
    if not p.articles:
        lines.append("  no stored articles from this outlet")
        return "\n".join(lines)
    lines.append(f"  {p.articles} article{'s' if p.articles != 1 else ''} in {len(p.stories)} "
                 f"stor{'ies' if len(p.stories) != 1 else 'y'}")
    lines.append(f"  exclusive facts: {p.exclusive_groups} of {p.claim_groups} claim groups "
                 f"({p.exclusive_rate:.0%}), in {p.stories_with_exclusive} of {len(p.stories)} stories")
    carried = ", ".join(f"{k} {v}" for k, v in p.wires.items())
    lines.append(f"  wire or copied text: {p.wire_articles} of {p.articles} articles"
                 f"{' (' + carried + ')' if carried else ''}")
    terms = ", ".join(f"{k} {v}" for k, v in p.top_loaded.items())
    lines.append(f"  loaded terms: {p.loaded_terms} in {p.loaded_articles} of {p.articles} articles"
                 f"{' (' + terms + ')' if terms else ''}")
    lines.append("  stories:")
    lines += [f"    {s.id}  {(s.first_published or '----------')[:10]}  {s.title}  "
              f"({s.articles} articles, {s.outlets} outlets)" for s in p.stories]
    return "\n".join(lines)
