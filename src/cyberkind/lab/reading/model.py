"""The network: all-MiniLM-L6-v2, mean pooling, one linear layer for every sentence head and
one for the token head. Needs PyTorch and ``transformers`` (the lab only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from .tasks import EMOTION_CLASSES, SIGMOID_HEADS

__all__ = ["N_OUTPUTS", "ReadingNet"]

N_OUTPUTS = len(SIGMOID_HEADS) + len(EMOTION_CLASSES)
"""Sentence logits: the sigmoid heads in :data:`SIGMOID_HEADS` order, then the emotion softmax."""


class ReadingNet(nn.Module):
    """Shared encoder plus heads; ``forward(ids, mask) -> (sentence logits, token logits)``."""

    def __init__(self, base_dir: Path, dropout: float = 0.1) -> None:
        super().__init__()
        from transformers import AutoModel

        self.encoder: Any = AutoModel.from_pretrained(str(base_dir), local_files_only=True)
        hidden = int(self.encoder.config.hidden_size)
        self.dropout = nn.Dropout(dropout)
        self.sentence = nn.Linear(hidden, N_OUTPUTS)
        self.token = nn.Linear(hidden, 1)

    def freeze(self, layers: int) -> None:
        """Freeze the embeddings and the lowest ``layers`` transformer layers."""
        for p in self.encoder.embeddings.parameters():
            p.requires_grad = False
        for layer in self.encoder.encoder.layer[:layers]:
            for p in layer.parameters():
                p.requires_grad = False

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        )
        hidden = out.last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        sentence = self.sentence(self.dropout(pooled))
        tokens = self.token(self.dropout(hidden)).squeeze(-1)
        return sentence, tokens
