"""`newsdesk-bot timeline STORY [--since 30d] --out FILE.png` and `timeline` in the console chat.

The real CLI as a process over a real store of the dev articles.
"""

from __future__ import annotations

from pathlib import Path

from bot.chart.png import png_size
from tests.integration.test_cli_understand import bot, loaded  # noqa: F401  (the fixture)


def test_the_cli_writes_the_chart_and_says_what_it_shows(loaded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "talks.png"
    result = bot(loaded, "timeline", "hostage-talks", "--since", "3650d", "--out", str(out))
    assert result.returncode == 0, result.stderr
    width, height = png_size(out.read_bytes())
    lines = result.stdout.splitlines()
    assert lines[0] == f"{out}: {width}x{height} PNG" and width == 1080
    assert "|" in lines[1] and "developments, one mark per" in lines[1]  # the sparkline
    assert lines[2].startswith("Timeline chart of Hostage-release talks")
    assert "then 130 (newsmax.com, 30 Mar)" in lines[2]

    quiet = tmp_path / "quiet.png"
    result = bot(loaded, "timeline", "rafah-offensive", "--out", str(quiet))  # the default window: 30 days
    assert result.returncode == 0 and not quiet.exists()
    assert result.stdout.startswith("Nothing new on rafah-offensive was published in the last 30 days")

    result = bot(loaded, "timeline", "border-talks", "--out", str(quiet))
    assert result.returncode == 2 and "no story 'border-talks'" in result.stderr
    result = bot(loaded, "timeline", "hostage-talks", "--since", "soon", "--out", str(quiet))
    assert result.returncode == 2 and "'soon' is not a duration" in result.stderr and not quiet.exists()


def test_the_console_chat_saves_the_chart_and_prints_its_path_and_sparkline(loaded: dict[str, str]) -> None:  # noqa: F811
    result = bot(loaded, "chat", stdin="timeline hostage-talks since 3650d\n")
    assert result.returncode == 0, result.stderr
    path_line = next(line for line in result.stdout.splitlines() if line.strip().startswith("chart: "))
    saved = Path(path_line.strip().removeprefix("chart: ").split(" (")[0])
    assert saved.parent == Path(loaded["NEWSDESK_DATA_DIR"]) / "charts"
    assert png_size(saved.read_bytes())[0] == 1080
    assert "developments, one mark per" in result.stdout
