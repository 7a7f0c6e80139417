"""The position-error model used for P(entry): a constant bias plus a first-order Gauss-Markov
part, per axis, and an independent timing error.

Model (per sample, i.e. per simulated "true" track):

* horizontal, east and north axes independently: the error at fix i is
  ``sigma_i * (sqrt(b) * B + sqrt(1 - b) * G_i)`` with ``b = bias_fraction``, ``B ~ N(0, 1)``
  one constant per sample and axis (a bias shared by every fix), and ``G`` a stationary unit
  variance first-order Gauss-Markov (AR(1)) sequence with correlation
  ``exp(-(t_i - t_{i-1}) / tau_s)`` between consecutive fixes (``tau_s = 0``: independent
  fixes; ``tau_s = inf``: fully correlated). ``sigma_i`` is the track's ``accuracy_h`` where
  finite (and ``use_track_accuracy``), else ``sigma_h_m``: a 1-sigma error *per axis*, so the
  error across a straight boundary is ``N(0, sigma_i^2)``;
* vertical: the same structure with ``sigma_v_m`` and its own draws, added to both altitude
  columns (one error for the altitude the limits are compared with);
* timing: each fix's time is off by an independent ``N(0, sigma_t_s^2)``; the fix then stands
  for a point ``velocity * dt`` further along the track, added to the horizontal error.

>>> m = ErrorModel(sigma_h_m=50.0, bias_fraction=0.0, tau_s=0.0)
>>> e = m.sample(np.array([0.0, 1.0, 2.0]), np.full(3, 50.0), 4, np.random.default_rng(1))
>>> [a.shape for a in e]
[(3, 4), (3, 4), (3, 4)]
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MAP_SIGMA_MM",
    "ErrorModel",
    "correlated_normal",
    "digitising_sigma_m",
]

F64 = NDArray[np.float64]


def correlated_normal(
    times: F64, samples: int, bias_fraction: float, tau_s: float, rng: np.random.Generator
) -> F64:
    """Unit-variance errors (fixes x samples): ``sqrt(b) * bias + sqrt(1 - b) * AR(1)``.

    >>> z = correlated_normal(np.arange(3.0), 2, 1.0, 0.0, np.random.default_rng(0))
    >>> bool(np.all(z == z[0]))  # bias only: every fix shares the sample's error
    True
    """
    n = times.shape[0]
    bias = rng.standard_normal((1, samples))
    w = rng.standard_normal((n, samples))
    if n > 1 and tau_s > 0:
        dt = np.diff(times)
        rho = np.ones_like(dt) if math.isinf(tau_s) else np.exp(-dt / tau_s)
        innov = np.sqrt(np.maximum(0.0, 1.0 - rho * rho))
        if np.all(rho == rho[0]):  # regular times: one linear filter along the fixes
            from scipy.signal import lfilter

            w[1:] *= innov[0]
            w[1:] = lfilter([1.0], [1.0, -rho[0]], w[1:], axis=0, zi=rho[0] * w[:1])[0]
        else:
            for i in range(1, n):
                w[i] *= innov[i - 1]
                w[i] += rho[i - 1] * w[i - 1]
    return math.sqrt(bias_fraction) * bias + math.sqrt(1.0 - bias_fraction) * w


@dataclass(frozen=True)
class ErrorModel:
    """Position and timing errors of a track's fixes (see the module docstring for the model).

    ``sigma_h_m``: default horizontal 1-sigma per axis (m), used where the track gives no
    ``accuracy_h`` (or ``use_track_accuracy`` is False); ``sigma_v_m``: vertical 1-sigma (m);
    ``bias_fraction``: share of each variance in the constant bias (the rest is Gauss-Markov);
    ``tau_s``: correlation time of the Gauss-Markov part (s; 0 independent, inf constant);
    ``sigma_t_s``: 1-sigma timing error of each fix (s), independent from fix to fix.

    >>> ErrorModel().to_dict()["kind"]
    'bias + first-order Gauss-Markov'
    """

    sigma_h_m: float = 30.0
    sigma_v_m: float = 30.0
    bias_fraction: float = 0.5
    tau_s: float = 60.0
    sigma_t_s: float = 0.0
    use_track_accuracy: bool = True

    def __post_init__(self) -> None:
        for name in ("sigma_h_m", "sigma_v_m", "sigma_t_s", "tau_s"):
            v = getattr(self, name)
            if not v >= 0 or (math.isinf(v) and name != "tau_s"):
                raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
        if not 0.0 <= self.bias_fraction <= 1.0:
            raise ValueError(f"bias_fraction must be in [0, 1], got {self.bias_fraction!r}")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": "bias + first-order Gauss-Markov"}
        d.update(asdict(self))
        if math.isinf(self.tau_s):
            d["tau_s"] = None  # JSON has no infinity: None means fully correlated
        return d

    def horizontal_sigma(self, accuracy_h: F64) -> F64:
        """Per-fix horizontal 1-sigma (m): the track's value where finite, else the default.

        >>> ErrorModel(sigma_h_m=30.0).horizontal_sigma(np.array([5.0, np.nan])).tolist()
        [5.0, 30.0]
        """
        acc = np.asarray(accuracy_h, dtype=np.float64)
        if not self.use_track_accuracy:
            return np.full(acc.shape, self.sigma_h_m)
        return np.where(np.isfinite(acc) & (acc >= 0), acc, self.sigma_h_m)

    def sample(
        self,
        times: F64,
        sigma_h: F64,
        samples: int,
        rng: np.random.Generator,
        velocity: tuple[F64, F64] | None = None,
        vertical: bool = True,
    ) -> tuple[F64, F64, F64]:
        """East, north and vertical errors (metres, fixes x samples) at fixes with ``times``.

        ``velocity`` (east, north m/s per fix) turns the timing error into an along-track
        displacement. ``vertical=False`` skips the vertical draws (zeros). Draws are made in a
        fixed order, so a seeded ``rng`` repeats them.
        """
        b, tau = self.bias_fraction, self.tau_s
        ex = sigma_h[:, None] * correlated_normal(times, samples, b, tau, rng)
        ey = sigma_h[:, None] * correlated_normal(times, samples, b, tau, rng)
        if vertical:
            ez = self.sigma_v_m * correlated_normal(times, samples, b, tau, rng)
        else:
            ez = np.zeros_like(ex)
        if self.sigma_t_s > 0 and velocity is not None:
            dt = self.sigma_t_s * rng.standard_normal((times.shape[0], samples))
            ex += velocity[0][:, None] * dt
            ey += velocity[1][:, None] * dt
        return ex, ey, ez


# US National Map Accuracy Standard (1947): 90 % of well-defined points within 1/50 inch
# (0.508 mm) on maps smaller than 1:20,000; as a circular error CE90 = 2.146 sigma per axis.
MAP_SIGMA_MM = 0.508 / 2.146


def digitising_sigma_m(map_scale: float | None, line_width_m: float | None) -> float | None:
    """1-sigma horizontal error per axis (m, on the ground) of a point read off a printed map:
    the map's own accuracy (NMAS, 0.237 mm) and the drawn line's width (uniform across it:
    ``width / sqrt(12)``), both times the scale. None without a scale.

    >>> round(digitising_sigma_m(500_000, 0.5e-3))
    139
    >>> round(digitising_sigma_m(500_000, None))
    118
    """
    if map_scale is None or not map_scale > 0:
        return None
    map_m = MAP_SIGMA_MM * 1e-3
    line_m = (line_width_m or 0.0) / 12**0.5
    return float(map_scale * (map_m**2 + line_m**2) ** 0.5)
