"""Planted bugs that crosshair must catch (CLAIM-3; the harness is ``perpspec.verify.planted``)."""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug

BUGS: list[PlantedBug] = []
