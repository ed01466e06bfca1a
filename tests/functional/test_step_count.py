"""The header's "Step N of M" keeps its M all the way. Found in use: "Step 1 of 8" became "of 9" once a
benchmark was chosen (and Welcome said "of 8" even when the answers file asked for one)."""

from __future__ import annotations

from tui_support import press_until, settle

from installer.answers import Answers


async def test_the_step_count_stays_when_a_benchmark_is_chosen(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    seen: list[str] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        seen.append(app.screen.sub_title)
        await press_until(pilot, "n", "combination")
        seen.append(app.screen.sub_title)
        app.screen.query_one("#bench-quick").value = True  # the benchmark is chosen here
        await settle(pilot)
        await press_until(pilot, "n", "review")
        seen.append(app.screen.sub_title)
    assert [s.split(":")[0] for s in seen] == ["Step 1 of 9", "Step 4 of 9", "Step 5 of 9"], seen


async def test_a_screen_skipped_keeps_the_others_numbers(make_wizard):
    answers = Answers.model_validate({"mirror": {"pytorch": "none"}, "verify": False, "bench": "none",
                                      "torch": {"version": "2.13.0", "variant": "cpu"}})
    app = make_wizard("cpu-only", dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "done")  # Verify and Benchmark are skipped
        assert app.screen.sub_title.startswith("Step 9 of 9: Done")
