"""How much would fine-tuning the encoder buy the event detector? A probe, not the product.

`dump` (on the CPU, a few minutes) codes the hand-read articles up to the events stage, as
`parley.training.detector.article_rows` does, and writes every candidate with the word pieces
of its sentence's reading, its place among them, its view, the classifier's probabilities and
its gold label, beside the classifier's encoder (its adapters merged in; the word embeddings
cut to the pieces the rows use, so that both fit the device tool's 64 MiB). `run` then trains,
on 5 folds by article, the detector's network (one member) on a frozen encoder, as shipped,
and with the encoder fine-tuned with it, and prints candidate-level typed F1 for each arm and
threshold. On a GPU it takes about eight minutes; on two CPU cores a fine-tuned arm takes
hours (the top three layers alone, about 14 minutes a fold with the layers below cached). It
scores candidates, not `parley code`'s events: a reason to build, no product figure.

    python scripts/finetune_probe.py dump .probe
    python scripts/finetune_probe.py run .probe [--arm frozen]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import torch
from torch import nn

NONE = 16  # the detector's NONE: index of the 17th class (16 PLOVER types first)
THRESHOLDS = (0.2, 0.25, 0.3, 0.4, 0.5)
# name, how many of the encoder's top layers are fine-tuned (6: all, and the embeddings), epochs,
# their learning rate
ARMS = [
    ("frozen", 0, 10, 0.0),
    ("tuned 3e-5 x4", 6, 4, 3e-5),
    ("tuned 1e-4 x4", 6, 4, 1e-4),
    ("tuned 5e-5 x8", 6, 8, 5e-5),
    ("top 3 tuned 5e-5 x8", 3, 8, 5e-5),  # what two CPU cores can train
]


def dump(out: Path, articles: Path, labels: Path) -> None:
    """Candidate rows and the merged, trimmed encoder, written to `out`."""
    from parley.evaluation.annotations import load
    from parley.nlp.document import Document
    from parley.nlp.models.classifier import base_model_path, softmax
    from parley.nlp.models.detector import piece_at
    from parley.nlp.models.tagger import read
    from parley.nlp.pipeline import Pipeline
    from parley.nlp.stages.classify import prepare
    from parley.training.detector import _labels

    out.mkdir(parents=True, exist_ok=True)
    gold = list(load(labels, articles).values())
    pipeline = Pipeline(detector=None)
    stage = pipeline.stage("classify")
    model = stage.model
    rows = []
    docs = (Document(a.id, a.text, a.date) for a in gold)
    for article, doc in zip(gold, pipeline.partial(docs, through="events")):
        batch = prepare([doc], model.config.mark_trigger, detect=True)
        labelled, _ = _labels(doc, [e for pool in batch.pools for e in pool], article)
        if batch.readings:
            tokens = model.tokenize([r.text for r in batch.readings])
            raw, _, _ = read(model, None, batch.readings)
            probs = softmax(raw, stage.temperature)
            for j, pool in enumerate(batch.pools):
                kept = [
                    (i, view, labelled.get(id(e), NONE))
                    for e, (position, view) in zip(pool, batch.views[j])
                    if (i := piece_at(tokens["offset_mapping"][j], position)) is not None
                ]
                if kept:
                    rows.append(
                        {
                            "article": article.id,
                            "ids": torch.tensor(tokens["input_ids"][j]),
                            "at": torch.tensor([i for i, _, _ in kept]),
                            "views": torch.tensor([v for _, v, _ in kept], dtype=torch.float16),
                            "y": torch.tensor([y for _, _, y in kept]),
                            "probs": torch.tensor(probs[j], dtype=torch.float16),
                        }
                    )
        doc.release()
    state = {k: v.detach().half().contiguous() for k, v in model.encoder.state_dict().items()}
    used = sorted(set(torch.cat([r["ids"] for r in rows]).tolist()) | {0, 100, 101, 102, 103})
    index = torch.full((state["embeddings.word_embeddings.weight"].shape[0],), -1, dtype=torch.long)
    index[torch.tensor(used)] = torch.arange(len(used))
    for r in rows:
        r["ids"] = index[r["ids"]].to(torch.int32)
    state["embeddings.word_embeddings.weight"] = state["embeddings.word_embeddings.weight"][torch.tensor(used)].clone()
    config = json.loads((base_model_path() / "config.json").read_text(encoding="utf-8"))
    (out / "config.json").write_text(json.dumps({**config, "vocab_size": len(used)}), encoding="utf-8")
    torch.save(rows, out / "rows.pt")
    torch.save(state, out / "encoder.pt")
    positives = sum(int((r["y"] != NONE).sum()) for r in rows)
    print(f"{len(rows)} readings, {sum(len(r['y']) for r in rows)} candidates, {positives} of them events")


class Probe(nn.Module):
    """The detector's network over an encoder that may be trained with it."""

    def __init__(self, directory: Path, extra: int, device: str) -> None:
        from transformers import BertConfig, BertModel

        super().__init__()
        self.device = device
        config = BertConfig.from_json_file(str(directory / "config.json"))
        self.encoder = BertModel(config, add_pooling_layer=False)
        state = {k: v.float() for k, v in torch.load(directory / "encoder.pt").items()}
        missing = self.encoder.load_state_dict(state, strict=False).missing_keys
        assert all("position_ids" in k for k in missing), missing
        width = config.hidden_size
        self.head = network(3 * width + extra)

    def features(self, batch: list[dict]) -> torch.Tensor:
        """As `parley.nlp.models.detector.features`: layers 3 and 6 at the candidate, the
        sentence's mean last layer, the view and the classifier's probabilities."""
        ids = nn.utils.rnn.pad_sequence([r["ids"].long() for r in batch], batch_first=True).to(self.device)
        lengths = torch.tensor([len(r["ids"]) for r in batch], device=self.device)
        mask = (torch.arange(ids.shape[1], device=self.device)[None, :] < lengths[:, None]).long()
        states = self.encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
        mean = (states[6] * mask[..., None]).sum(1) / lengths[:, None]
        row = torch.cat([torch.full((len(r["at"]),), k) for k, r in enumerate(batch)]).to(self.device)
        at = torch.cat([r["at"] for r in batch]).to(self.device)
        other = torch.cat(
            [torch.cat([r["views"].float(), r["probs"].float().expand(len(r["at"]), -1)], 1) for r in batch]
        ).to(self.device)
        return torch.cat([states[3][row, at], states[6][row, at], mean[row], other], 1)


def _autocast(device: str):
    return torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda")


def frozen_features(probe: Probe, rows: list[dict]) -> dict[int, torch.Tensor]:
    """Each reading's candidate features from the untrained encoder, computed once."""
    out = {}
    probe.eval()
    with torch.no_grad():
        for i in range(0, len(rows), 128):
            batch = rows[i : i + 128]
            with _autocast(probe.device):
                x = probe.features(batch).float()
            n = 0
            for r in batch:
                out[id(r)] = x[n : n + len(r["at"])]
                n += len(r["at"])
    return out


def network(width: int) -> nn.Module:
    """One member of the detector's network (`parley.nlp.models.detector.EventDetector`)."""
    return nn.Sequential(nn.Linear(width, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, NONE + 1))


def train_frozen(cache, train, test, device, epochs=10) -> torch.Tensor:
    """The shipped detector's training, one member: the network alone, batches of 256."""
    x = torch.cat([cache[id(r)] for r in train])
    y = torch.cat([r["y"] for r in train]).to(device)
    head = network(x.shape[1]).to(device)
    opt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-4)
    for _ in range(epochs):
        head.train()
        order = torch.randperm(len(y), device=device)
        for i in range(0, len(y), 256):
            idx = order[i : i + 256]
            loss = nn.functional.cross_entropy(head(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    head.eval()
    with torch.no_grad():
        return torch.softmax(head(torch.cat([cache[id(r)] for r in test])), -1).cpu()


def train_tuned(directory, train, test, extra, device, epochs, lr, top: int = 6) -> torch.Tensor:
    """The encoder's `top` layers and the network trained together (the layers below kept as
    they are, dropout off): 32 readings a batch, warm-up then linear decay."""
    probe = Probe(directory, extra, device).to(device)
    below = [probe.encoder.embeddings, *probe.encoder.encoder.layer[: 6 - top]] if top < 6 else []
    for module in below:
        module.requires_grad_(False)
    tuned = [q for q in probe.encoder.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(
        [
            {"params": probe.head.parameters(), "lr": 1e-3, "weight_decay": 1e-4},
            {"params": tuned, "lr": lr, "weight_decay": 0.01},
        ]
    )
    steps = epochs * ((len(train) + 31) // 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    for _ in range(epochs):
        probe.train()
        for module in below:
            module.eval()
        order = list(train)
        random.shuffle(order)
        for i in range(0, len(order), 32):
            batch = order[i : i + 32]
            with _autocast(device):
                logits = probe.head(probe.features(batch))
            loss = nn.functional.cross_entropy(logits.float(), torch.cat([r["y"] for r in batch]).to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
    probe.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(test), 64):
            with _autocast(device):
                out.append(torch.softmax(probe.head(probe.features(test[i : i + 64])).float(), -1).cpu())
    return torch.cat(out)


def typed_f1(probs: torch.Tensor, gold: list[int], threshold: float | None) -> dict[str, float]:
    """Candidate-level typed F1: a candidate is an event of its likeliest type where that
    type's probability reaches the threshold (None: where it beats NONE)."""
    if threshold is None:
        pred = probs.argmax(1).tolist()
    else:
        best = probs[:, :NONE].max(1)
        pred = [int(i) if v >= threshold else NONE for v, i in zip(best.values, best.indices)]
    hit = sum(1 for p, g in zip(pred, gold) if p == g != NONE)
    p = hit / max(sum(1 for x in pred if x != NONE), 1)
    r = hit / max(sum(1 for x in gold if x != NONE), 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4)}


def run(directory: Path, arms: list[str], folds: int = 5, seed: int = 13) -> dict:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rows = torch.load(directory / "rows.pt")
    extra = rows[0]["views"].shape[1] + rows[0]["probs"].shape[0]
    articles = sorted({r["article"] for r in rows})
    random.Random(seed).shuffle(articles)
    held = [set(articles[f::folds]) for f in range(folds)]
    cache = frozen_features(Probe(directory, extra, device).to(device), rows)
    results: dict = {}
    report = Path(os.environ.get("OUT", str(directory))) / "finetune_probe.json"
    for name, top, epochs, lr in [a for a in ARMS if not arms or a[0] in arms]:
        start, probs, gold = time.time(), [], []
        for test_articles in held:
            torch.manual_seed(seed)
            random.seed(seed)
            train = [r for r in rows if r["article"] not in test_articles]
            test = [r for r in rows if r["article"] in test_articles]
            if top:
                probs.append(train_tuned(directory, train, test, extra, device, epochs, lr, top))
            else:
                probs.append(train_frozen(cache, train, test, device, epochs))
            gold += torch.cat([r["y"] for r in test]).tolist()
        p = torch.cat(probs)
        results[name] = {f"threshold {t}": typed_f1(p, gold, t) for t in THRESHOLDS}
        results[name]["argmax"] = typed_f1(p, gold, None)
        results[name]["seconds"] = round(time.time() - start)
        print(name, json.dumps(results[name]), flush=True)
        report.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["dump", "run"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/realnews/guardian_dev.jsonl"))
    parser.add_argument("--labels", type=Path, default=Path("data/annotations/guardian_dev.jsonl"))
    parser.add_argument("--arm", action="append", default=[], help="run only these arms (default: all)")
    args = parser.parse_args()
    if args.step == "dump":
        dump(args.directory, args.articles, args.labels)
    else:
        run(args.directory, args.arm)


if __name__ == "__main__":
    main()
