"""Our engine on a Febrl data set (the benchmark prints the full figures)."""

from benchmarks import _febrl


def test_febrl3_dedupe_reaches_f1_floor_when_parameters_learned_without_labels() -> None:
    frames = [_febrl.load("febrl3")[0].iloc[:2000]]
    truth = _febrl.true_pairs([list(map(str, frames[0].index))])

    predicted, _ = _febrl.run_ours(frames)
    result = _febrl.scores(predicted, truth, 0.0)

    assert len(truth) == 1064
    assert result.f1 >= 0.97
    assert result.precision >= 0.98
