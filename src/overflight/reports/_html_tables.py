"""The HTML report's text sections, rendered from the ``overflight.check/1`` report dict: the
verdict table, sensitivity, error model, inputs with SHA-256, parameters, warnings, the command
line and the environment. Every value from the report is escaped.

>>> cell("<b>")
'<td>&lt;b&gt;</td>'
>>> command_text(["overflight", "check", "my file.csv"])
"overflight check 'my file.csv'"
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from .table import format_distance, format_duration

__all__ = [
    "cell",
    "command_text",
    "environment_section",
    "inputs_section",
    "model_section",
    "parameters_section",
    "reproduce_section",
    "result_title",
    "sensitivity_section",
    "verdict_section",
    "warnings_section",
]

esc = html.escape


def cell(value: Any, cls: str | None = None) -> str:
    """One escaped table cell (None shows as "—")."""
    text = "—" if value is None else str(value)
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{esc(text)}</td>"


def _row(cells: Sequence[str], cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(cells) + "</tr>"


def _head(*names: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr></thead>"


def _time(iso: str | None, day: str | None = None) -> str | None:
    """An ISO time for a cell: without its date when that is ``day``."""
    if iso is None:
        return None
    if day is not None and iso.startswith(day + "T"):
        return iso[len(day) + 1 :]
    return iso.replace("T", " ")


def _one_day(results: Sequence[Mapping[str, Any]]) -> str | None:
    """The date of every time in the results, when they all fall on one day."""
    times = [i[k] for r in results for i in (*r["incursions"], *r["lateral_passes"])
             for k in ("entry_time", "exit_time")]  # fmt: skip
    times += [r["closest_approach"]["time"] for r in results if r.get("closest_approach")]
    days = {t[:10] for t in times if t}
    return days.pop() if len(days) == 1 else None


def _who(res: Mapping[str, Any]) -> str:
    trk = res["track"]
    return trk["callsign"] + f" ({trk['id']})" if trk["callsign"] else str(trk["id"])


def result_title(res: Mapping[str, Any]) -> str:
    """``ESEXA (511f01) × TALLINN CTR`` of one result (plain text, not escaped)."""
    return f"{_who(res)} × {res['airspace']['name']}"


def probability_text(res: Mapping[str, Any]) -> str | None:
    """``P(entry) 0.873 ± 0.011 (1000 samples)``; None when not computed."""
    p = res.get("probability")
    if p is None:
        return None
    return f"P(entry) {p['p_entry']:.3f} ± {p['stderr']:.3f} ({p['samples']} samples)"


def _flips(res: Mapping[str, Any]) -> list[str]:
    return [str(r["definition"]) for r in res.get("sensitivity") or () if r.get("flips_verdict")]


def _verdict(res: Mapping[str, Any]) -> str:
    if res["entered"]:
        return "ENTERED"
    if res["incursions"]:
        return "inside laterally, vertical " + ", ".join(
            sorted({str(i["vertical"]) for i in res["incursions"]})
        )
    if res["lateral_passes"]:
        sides = sorted({str(i["vertical"]) for i in res["lateral_passes"]})
        return "not entered (passed " + " and ".join(sides) + ")"
    return "not entered"


def _closest(res: Mapping[str, Any], day: str | None = None) -> str | None:
    ca = res.get("closest_approach")
    if ca is None:
        return None
    when = _time(ca["time"], day) or (
        f"{format_distance(ca['distance_m'])} along" if ca["distance_m"] is not None else "—"
    )
    if ca["laterally_inside"]:
        v = ca["vertical_m"]
        return f"{'unknown' if v is None else format_distance(v)} vertically at {when}"
    return f"{format_distance(ca['lateral_m'])} laterally at {when}"


def verdict_section(report: Mapping[str, Any]) -> str:
    """The verdict table: one row per incursion (or one per result without one)."""
    results = report["results"]
    has_p = any("probability" in r for r in results)
    day = _one_day(results)
    has_notes = any(r["warnings"] or _flips(r) for r in results)
    cols = ["#", "track × airspace", "limits", "verdict", "entry (UTC)", "exit (UTC)",
            "duration", "max depth", "vertical", "closest approach"]  # fmt: skip
    if has_p:
        cols.append("P(entry)")
    if has_notes:
        cols.append("notes")
    rows = []
    for k, res in enumerate(results):
        a = res["airspace"]
        limits = f"{a['floor']['text']} – {a['ceiling']['text']}"
        incs = [*res["incursions"], *res["lateral_passes"]] or [None]
        notes = [*_flip_notes(res), *res["warnings"]]
        for j, inc in enumerate(incs):
            first = j == 0
            c = [
                cell(k + 1 if first else ""),
                _title_cell(res) if first else cell(""),
                cell(limits if first else "", "nw"),
                cell(_verdict(res) if first else "", "verdict"),
            ]
            if inc is None:
                c += [cell(None)] * 5
            else:
                dur = inc["duration_s"]
                start = " (start)" if inc["starts_inside"] else ""
                end = " (end)" if inc["ends_inside"] else ""
                c += [
                    cell((_time(inc["entry_time"], day) or "—") + start, "nw"),
                    cell((_time(inc["exit_time"], day) or "—") + end, "nw"),
                    cell(format_duration(dur) if dur is not None else None, "num nw"),
                    cell(format_distance(inc["max_depth_m"]), "num nw"),
                    cell(_vertical(inc)),
                ]
            c.append(cell(_closest(res, day) if first else ""))
            if has_p:
                pr = res.get("probability")
                p = f"{pr['p_entry']:.3f} ± {pr['stderr']:.3f}" if pr else "not computed"
                c.append(cell(p if first else "", "nw"))
            if has_notes:
                c.append(cell("; ".join(notes) if first else "", "flag" if _flips(res) else None))
            rows.append(_row(c, "entered" if res["entered"] else None))
    s = report["summary"]
    on_day = f" All times are UTC, on {esc(day)}." if day else " All times are UTC."
    head = (
        f"<p>{s['pairs']} track × airspace pairs: {s['listed']} listed, "
        f"<b>{s['entered']} entered</b>, {s['beyond_search']} beyond the search distance "
        f"({(s['search_m'] or 0) / 1000:g} km).{on_day}</p>"
    )
    table = "<table>" + _head(*cols) + "<tbody>" + "".join(rows) + "</tbody></table>"
    return head + table


def _flip_notes(res: Mapping[str, Any]) -> list[str]:
    flips = _flips(res)
    return [f"verdict flips with: {', '.join(flips)}"] if flips else []


def _vertical(inc: Mapping[str, Any]) -> str:
    text = str(inc["vertical"])
    m = inc["vertical_margin_m"]
    if m is not None and text == "inside":
        text += f" (margin {m:.0f} m)"
    elif m is not None and text in ("above", "below"):
        text += f" (clear by {abs(m):.0f} m)"
    if inc["vertical_reason"]:
        text += f": {inc['vertical_reason']}"
    if inc.get("activation", "always") != "always":
        text += f"; activation {inc['activation']}"
    return text


def sensitivity_section(report: Mapping[str, Any]) -> str:
    """Per result, the verdict under each alternative definition; rows that flip it marked."""
    body = []
    for k, res in enumerate(report["results"]):
        rows = res.get("sensitivity")
        if rows is None:
            continue
        for j, r in enumerate(rows):
            flip = bool(r["flips_verdict"])
            dur = r["duration_s"]
            body.append(_row([
                cell(k + 1 if j == 0 else ""),
                _title_cell(res) if j == 0 else cell(""),
                cell(r["definition"]),
                cell(r["edges"]),
                cell(r["altitude"]),
                cell("entered" if r["entered"] else "not entered", "verdict"),
                cell(format_duration(dur) if dur is not None else None, "num"),
                cell(format_distance(r["max_depth_m"]), "num"),
                cell("FLIPS THE VERDICT" if flip else "no", "flag" if flip else None),
            ], "flip" if flip else ("group" if j == 0 else None)))  # fmt: skip
    if not body:
        return "<p class=note>Not computed (run <code>overflight check</code> with " \
               "<code>--uncertainty</code>).</p>"  # fmt: skip
    cols = ("#", "track × airspace", "definition", "edges", "altitude", "verdict", "duration",
            "max depth", "flips?")  # fmt: skip
    return "<table>" + _head(*cols) + "<tbody>" + "".join(body) + "</tbody></table>"


def _title_cell(res: Mapping[str, Any]) -> str:
    """Track and airspace on two lines."""
    return f"<td>{esc(_who(res))}<br>× {esc(res['airspace']['name'])}</td>"


def _kv_table(items: Sequence[tuple[str, Any]]) -> str:
    rows = [_row([f"<th>{esc(k)}</th>", cell(v)]) for k, v in items]
    return "<table><tbody>" + "".join(rows) + "</tbody></table>"


def model_section(report: Mapping[str, Any]) -> str:
    """The error model of ``--uncertainty`` and how P(entry) was computed."""
    unc = report["parameters"].get("uncertainty")
    if not unc:
        return (
            "<p class=note>No error model: P(entry) was not computed (run with "
            "<code>--uncertainty</code>). The verdicts above take the recorded positions as "
            "exact.</p>"
        )
    m = unc.get("model", {})
    items = [
        ("kind", m.get("kind")),
        ("horizontal 1σ per axis (where the track states none)", _m(m.get("sigma_h_m"))),
        ("vertical 1σ", _m(m.get("sigma_v_m"))),
        ("share of variance in a bias constant over the track", m.get("bias_fraction")),
        ("correlation time of the rest", "infinite" if m.get("tau_s") is None
         else f"{m['tau_s']:g} s"),
        ("timing 1σ per fix", None if m.get("sigma_t_s") is None else f"{m['sigma_t_s']:g} s"),
        ("use the track's own accuracy where given", m.get("use_track_accuracy")),
        ("samples", unc.get("samples")),
        ("seed", unc.get("seed")),
        ("method", unc.get("method")),
    ]  # fmt: skip
    note = (
        "<p class=note>The timelines show the nominal track; P(entry) per result is in the "
        "verdict table and the timeline headers (no per-fix uncertainty band is recorded).</p>"
    )
    return _kv_table(items) + note


def _m(x: float | None) -> str | None:
    return None if x is None else f"{x:g} m"


def inputs_section(report: Mapping[str, Any]) -> str:
    """Every input file with its kind, format, counts, SHA-256 and airspace version."""
    rows = []
    for i in report["inputs"]:
        if i["kind"] == "airspace":
            what = f"{i.get('airspaces', 0)} airspaces, {i.get('skipped', 0)} skipped"
            v = i.get("version") or {}
            ver = ", ".join(f"{k} {v[k]}" for k in ("airac", "effective", "valid_until", "date",
                            "version", "written_by") if v.get(k))  # fmt: skip
        else:
            what, ver = f"{i.get('tracks', 0)} tracks", ""
        rows.append(_row([cell(i["path"], "mono"), cell(i["kind"]), cell(i["format"]),
                          cell(what), cell(ver or "—"), cell(i["sha256"], "hash")]))  # fmt: skip
    cols = ("path", "kind", "format", "read", "airspace version", "SHA-256")
    table = "<table>" + _head(*cols) + "<tbody>" + "".join(rows) + "</tbody></table>"
    errs = report.get("errors") or []
    if errs:
        er = [_row([cell(e["path"], "mono"), cell(e["line"]), cell(e["reason"])]) for e in errs]
        table += "<h3>Inputs that could not be read</h3><table>" + _head("path", "line", "reason")
        table += "<tbody>" + "".join(er) + "</tbody></table>"
    return table


def parameters_section(report: Mapping[str, Any]) -> str:
    """Edges, search distance, arc tolerance, digitising and the altitude notes."""
    p = report["parameters"]
    items: list[tuple[str, Any]] = [
        ("boundary edges", p.get("edges")),
        ("search distance", format_distance(p.get("search_m"))),
        ("arc tolerance", _m(p.get("arc_tolerance_m"))),
    ]
    dig = p.get("digitising")
    if dig:
        items.append(("digitising", ", ".join(f"{k} {v}" for k, v in dig.items())))
    for ref, note in (p.get("altitude") or {}).items():
        items.append((f"altitude {ref}", note))
    return _kv_table(items)


def warnings_section(report: Mapping[str, Any]) -> str:
    """Reader and check warnings, or a line saying there were none."""
    ws = report.get("warnings") or []
    if not ws:
        return "<p class=note>None.</p>"
    return "<ul>" + "".join(f"<li class=warn>{esc(str(w))}</li>" for w in ws) + "</ul>"


def command_text(command: Sequence[str] | None) -> str | None:
    """The recorded command line, quoted for a POSIX shell (None when not recorded)."""
    return None if command is None else shlex.join([str(w) for w in command])


def reproduce_section(report: Mapping[str, Any]) -> str:
    """The command line that re-creates the report, in a copyable ``<pre>``."""
    cmd = command_text(report.get("command"))
    if cmd is None:
        return "<p class=note>The command line was not recorded in this report.</p>"
    return (
        "<p>Run with the same input files (their SHA-256 above must match) and the same "
        f"overflight version ({esc(str(report.get('version')))}):</p>"
        f'<pre class="command" id="ovf-command">{esc(cmd)}</pre>'
        '<button type="button" id="ovf-copy" class="screen-only">copy</button>'
        "<p class=note>With <code>--json report.json</code>, <code>overflight verify "
        "report.json</code> re-runs the check from the recorded inputs and parameters and says "
        "whether the result is identical.</p>"
    )


def environment_section(report: Mapping[str, Any]) -> str:
    """overflight version, creation time and the library versions that can change a verdict."""
    env = report.get("environment") or {}
    items = [("overflight", report.get("version")), ("report schema", report.get("schema")),
             ("created", _time(report.get("created")))]  # fmt: skip
    items += [(k, v) for k, v in env.items() if k != "overflight"]
    return _kv_table(items)
