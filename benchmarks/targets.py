"""A verdict for every target a benchmark prints: MET or MISSED, and a failing exit code when
any target was missed. Figures are printed either way, so a missed target still shows why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Targets:
    missed: list[str] = field(default_factory=list)
    checked: int = 0

    def check(self, name: str, met: bool) -> str:
        """Record one target's outcome; returns the word to print after its figure."""
        self.checked += 1
        if not met:
            self.missed.append(name)
        return "MET" if met else "MISSED"

    def exit_code(self) -> int:
        """Print the overall verdict; 0 when every target was met, else 1."""
        if self.missed:
            print(f"targets: {len(self.missed)} of {self.checked} MISSED: "
                  + "; ".join(self.missed))
            return 1
        print(f"targets: all {self.checked} MET")
        return 0
