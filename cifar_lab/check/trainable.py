"""Rule K3032 of `cifar-lab check`: the Keras 2 GAN idiom `discriminator.trainable = False`, whose meaning changed.

Keras 2 fixed which weights a model trains when the model was compiled. Keras 3 reads
`.trainable` when a model first trains, and keeps that choice. So in the classic Keras 2 GAN (compile
the discriminator, set `discriminator.trainable = False`, compile the combined model, then train
both in a loop) the discriminator's own training updates nothing, and in the WGAN-GP variant
(freeze, compile one model, unfreeze, compile the other) the wrong network learns. Neither raises.

`gan_freezes` reads the `(line, col, kind, name)` events of `cifar_lab.check.facts.ModuleFacts`
and returns the freezes that one of these two things follows:

1. the frozen model itself trains later while still frozen, with no `compile` of its own in between;
2. another model compiled after the freeze trains after the frozen one is unfrozen, without being
   compiled again and without the frozen one being frozen again first.

Freezing a base model for transfer learning, then unfreezing it and compiling again (the
fine-tuning idiom), is neither and is not reported. Standard library only.

Example:
    >>> events = [(1, 0, "compile", "d"), (2, 0, "freeze", "d"), (3, 0, "compile", "gan"), (5, 0, "train", "d")]
    >>> gan_freezes(events)
    [((2, 0), 'd', 'd.train_on_batch(...) runs while d.trainable is False, so it updates nothing')]
"""

from __future__ import annotations

Event = tuple[int, int, str, str]


def gan_freezes(events: list[Event]) -> list[tuple[tuple[int, int], str, str]]:
    """Return `((line, col), name, why)` for each `name.trainable = False` whose meaning Keras 3 changed.

    Example:
        >>> gan_freezes([(1, 0, "freeze", "base"), (2, 0, "compile", "model"), (3, 0, "train", "model")])
        []
    """
    found = []
    for index, (line, col, kind, frozen) in enumerate(events):
        if kind != "freeze":
            continue
        why = _trains_while_frozen(events[index + 1 :], frozen) or _trains_after_unfreeze(events[index + 1 :], frozen)
        if why:
            found.append(((line, col), frozen, why))
    return found


def _trains_while_frozen(later: list[Event], frozen: str) -> str | None:
    for _, _, kind, name in later:
        if name != frozen:
            continue
        if kind == "train":
            return f"{frozen}.train_on_batch(...) runs while {frozen}.trainable is False, so it updates nothing"
        return None  # compiled again or unfrozen first: trained as intended
    return None


def _trains_after_unfreeze(later: list[Event], frozen: str) -> str | None:
    compiled: set[str] = set()  # other models compiled while `frozen` was frozen
    unfrozen = False
    for _, _, kind, name in later:
        if name == frozen:
            if kind == "unfreeze":
                unfrozen = True
            elif kind == "freeze":
                unfrozen = False
            elif kind == "compile":
                return None
        elif kind == "compile":
            compiled.discard(name) if unfrozen else compiled.add(name)
        elif kind == "train" and unfrozen and name in compiled:
            return (
                f"{name} was compiled while {frozen} was frozen, but trains after {frozen}.trainable = True, "
                f"so it trains {frozen} too"
            )
    return None
