"""``overflight check --uncertainty``: parse the error-model options, then P(entry) and the
boundary sensitivity of every listed track x airspace pair.

Every pair is sampled with the same ``--seed``, so one pair re-run alone gives the same numbers.
Tracks without times (hand-digitised points, ``meta["timing"] == "distance"``) get no P(entry):
the error model is stated in time (correlation time, timing error); they get a warning instead.

>>> parse_sigma("30m", "--sigma-h"), parse_sigma("0.5 NM", "--sigma-h")
(30.0, 926.0)
>>> parse_seconds("2min", "--tau"), parse_seconds("inf", "--tau")
(120.0, inf)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from ..analysis.error_model import ErrorModel
from ..analysis.params import CheckOutcome, CheckParameters
from ..analysis.sensitivity import boundary_sensitivity
from ..analysis.uncertainty import METHOD, EntryProbability, entry_probability
from ..model import Airspace, Track
from ..national.variants import national_variants

__all__ = [
    "DEFAULT_SAMPLES",
    "Assessment",
    "BiasOpt",
    "OptionError",
    "SamplesOpt",
    "SeedOpt",
    "SigmaHOpt",
    "SigmaTOpt",
    "SigmaVOpt",
    "TauOpt",
    "UncertaintyFlag",
    "UncertaintyOptions",
    "assess",
    "parse_seconds",
    "parse_sigma",
    "uncertainty_options",
]

DEFAULT_SAMPLES = 10_000
_LENGTH = {"": 1.0, "m": 1.0, "km": 1000.0, "nm": 1852.0, "ft": 0.3048}
_TIME = {"": 1.0, "s": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0}
_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$", re.I)


class OptionError(ValueError):
    """A bad option value: ``option`` names it, the message says why."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason


def _number(text: str, units: dict[str, float], option: str, example: str) -> float:
    m = _RE.match(text)
    if not m or m.group(2).lower() not in units:
        raise OptionError(option, f"cannot read {text!r} (expected e.g. {example})")
    value = float(m.group(1)) * units[m.group(2).lower()]
    if not math.isfinite(value):
        raise OptionError(option, f"not a finite value: {text!r}")
    if value < 0:
        raise OptionError(option, f"must be >= 0, got {text!r}")
    return value


def parse_sigma(text: str, option: str) -> float:
    """A 1-sigma length (m, km, NM, ft; metres if none) in metres, >= 0; OptionError if not.

    >>> parse_sigma("-5m", "--sigma-v")
    Traceback (most recent call last):
    ...
    overflight.cli.uncertainty.OptionError: --sigma-v: must be >= 0, got '-5m'
    """
    return _number(text, _LENGTH, option, "30m, 0.1NM, 100ft")


def parse_seconds(text: str, option: str) -> float:
    """A duration (s, ms, min, h; seconds if none) in seconds, >= 0; ``inf`` for ``--tau``.

    >>> parse_seconds("1.5 s", "--sigma-t")
    1.5
    """
    if option == "--tau" and text.strip().lower() in ("inf", "infinity"):
        return math.inf
    return _number(text, _TIME, option, "60s, 2min, 0s")


def _integer(text: str, option: str, minimum: int) -> int:
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        raise OptionError(option, f"not a whole number: {text!r}") from None
    if value < minimum:
        raise OptionError(option, f"must be >= {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class UncertaintyOptions:
    """The error model, number of samples and seed used for every pair."""

    model: ErrorModel
    samples: int = DEFAULT_SAMPLES
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """For the report's ``parameters.uncertainty``.

        >>> UncertaintyOptions(ErrorModel()).to_dict()["samples"]
        10000
        """
        return {
            "samples": self.samples,
            "seed": self.seed,
            "model": self.model.to_dict(),
            "method": METHOD,
        }


def uncertainty_options(
    samples: str | None = None,
    seed: str | None = None,
    sigma_h: str | None = None,
    sigma_v: str | None = None,
    bias_fraction: str | None = None,
    tau: str | None = None,
    sigma_t: str | None = None,
) -> UncertaintyOptions:
    """Parse the options as given on the command line (None: the default); OptionError naming
    the option when one is bad.

    >>> o = uncertainty_options("500", "7", sigma_h="50m", tau="inf")
    >>> o.samples, o.seed, o.model.sigma_h_m, o.model.tau_s
    (500, 7, 50.0, inf)
    """
    d = ErrorModel()
    kw: dict[str, float] = {
        "sigma_h_m": parse_sigma(sigma_h, "--sigma-h") if sigma_h is not None else d.sigma_h_m,
        "sigma_v_m": parse_sigma(sigma_v, "--sigma-v") if sigma_v is not None else d.sigma_v_m,
        "tau_s": parse_seconds(tau, "--tau") if tau is not None else d.tau_s,
        "sigma_t_s": parse_seconds(sigma_t, "--sigma-t") if sigma_t is not None else d.sigma_t_s,
        "bias_fraction": d.bias_fraction,
    }
    if bias_fraction is not None:
        try:
            b = float(bias_fraction)
        except ValueError:
            raise OptionError("--bias-fraction", f"not a number: {bias_fraction!r}") from None
        if not 0.0 <= b <= 1.0:
            raise OptionError("--bias-fraction", f"must be between 0 and 1, got {bias_fraction!r}")
        kw["bias_fraction"] = b
    n = _integer(samples, "--samples", 1) if samples is not None else DEFAULT_SAMPLES
    s = _integer(seed, "--seed", 0) if seed is not None else 0
    return UncertaintyOptions(ErrorModel(**kw), n, s)


@dataclass
class Assessment:
    """Per listed result (same order as ``outcome.results``): P(entry) (None when not
    computed) and the sensitivity rows; plus warnings for the report."""

    probabilities: list[EntryProbability | None] = field(default_factory=list)
    sensitivities: list[list[dict[str, Any]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def assess(
    outcome: CheckOutcome,
    tracks: Sequence[Track],
    options: UncertaintyOptions,
    params: CheckParameters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """P(entry) and boundary sensitivity for every result of ``outcome``.

    >>> from overflight.analysis.check import check
    >>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
    >>> a = assess(check([trk], [zone]), [trk], UncertaintyOptions(ErrorModel(), 100, 1))
    >>> a.probabilities[0].p_entry, a.sensitivities[0][0]["entered"]
    (1.0, True)
    """
    params = params or outcome.parameters
    by_id: dict[str, Track] = {}
    for t in tracks:
        by_id.setdefault(t.id, t)
    out = Assessment()
    untimed_warned: set[str] = set()
    alternatives: dict[int, list[tuple[str, Airspace]]] = {}
    total = len(outcome.results)
    for k, r in enumerate(outcome.results):
        track = by_id.get(r.track_id)
        prob: EntryProbability | None = None
        rows: list[dict[str, Any]] = []
        if track is not None:
            if track.meta.get("timing") == "distance":
                if track.id not in untimed_warned:
                    untimed_warned.add(track.id)
                    out.warnings.append(
                        f"track {track.id!r} has no times (points read off a map): P(entry) "
                        "not computed, the error model is stated in time; give --speed or "
                        "--start/--end to time it"
                    )
            else:
                prob = entry_probability(
                    track, r.airspace, options.model, options.samples, options.seed, params
                )
            key = id(r.airspace)
            if key not in alternatives:
                alternatives[key] = national_variants(r.airspace)
            rows = boundary_sensitivity(track, r.airspace, params, alternatives[key])
        out.probabilities.append(prob)
        out.sensitivities.append(rows)
        if progress is not None:
            progress(k + 1, total)
    return out


# -- typer option declarations (used by ``check_command``) ----------------------------------------
def _opt(name: str, help_text: str, metavar: str) -> Any:
    return typer.Option(name, help=help_text, metavar=metavar, show_default=False)


UncertaintyFlag = Annotated[
    bool,
    typer.Option(
        "--uncertainty",
        help="Also compute P(entry) under the position-error model below (Monte Carlo) and "
        "how the verdict moves under other boundary definitions.",
    ),
]
SamplesOpt = Annotated[
    str | None,
    _opt("--samples", f"Monte Carlo samples per pair [default: {DEFAULT_SAMPLES}].", "N"),
]
SeedOpt = Annotated[
    str | None, _opt("--seed", "Random seed, the same for every pair [default: 0].", "S")
]
SigmaHOpt = Annotated[
    str | None,
    _opt(
        "--sigma-h",
        "Horizontal 1-sigma error per axis where the track states none (m, km, NM, ft) "
        "[default: 30m].",
        "LENGTH",
    ),
]
SigmaVOpt = Annotated[
    str | None, _opt("--sigma-v", "Vertical 1-sigma error [default: 30m].", "LENGTH")
]
BiasOpt = Annotated[
    str | None,
    _opt(
        "--bias-fraction",
        "Share of the error variance that is a constant bias over the track, the rest "
        "first-order Gauss-Markov (0..1) [default: 0.5].",
        "B",
    ),
]
TauOpt = Annotated[
    str | None,
    _opt(
        "--tau",
        "Correlation time of the Gauss-Markov part (s, min; 0 independent, inf constant) "
        "[default: 60s].",
        "TIME",
    ),
]
SigmaTOpt = Annotated[
    str | None, _opt("--sigma-t", "1-sigma timing error of each fix [default: 0s].", "TIME")
]
