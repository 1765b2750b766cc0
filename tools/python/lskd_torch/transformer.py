"""The PyTorch twin of lskd's Transformers (models/transformer.hpp) and a KV-cache beam search over it.

nn.TransformerEncoderLayer / DecoderLayer with norm_first=True and batch_first=True, a final LayerNorm on each stack,
embeddings scaled by sqrt(d) plus sinusoidal positions (lskd's formula), the output projection tied to tgt_embed. The
module names follow lskd's (src_embed, tgt_embed, encoder.layers.N..., decoder.norm). The beam search keeps each
decoder layer's self-attention keys and values per hypothesis row and the cross-attention ones per source, so a step
runs one token per row, as lskd's TransformerStepDecoder does; its rules are fairseq's (models/beam_search.hpp).

    from lskd_torch.transformer import transformer_twin, beam_search
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2
SIZES = {"transformer-tiny": (2, 128, 4, 512), "transformer-small": (3, 256, 4, 1024)}  # layers, d, heads, FFN


def sinusoidal_positions(length, dim):
    """[length, dim]: sin(p w_i) in column i, cos(p w_i) in column dim/2 + i, w_i = 10000^(-i/(dim/2 - 1))."""
    half = dim // 2
    w = torch.pow(10000.0, -torch.arange(half, dtype=torch.float64) / (half - 1))
    angles = torch.arange(length, dtype=torch.float64)[:, None] * w[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1).float()


class TransformerTwin(nn.Module):
    def __init__(self, source_vocab, target_vocab, layers, dim, heads, ffn, dropout=0.0, max_positions=256):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.src_embed = nn.Embedding(source_vocab, dim)
        self.tgt_embed = nn.Embedding(target_vocab, dim)
        enc = nn.TransformerEncoderLayer(dim, heads, ffn, dropout, batch_first=True, norm_first=True)
        dec = nn.TransformerDecoderLayer(dim, heads, ffn, dropout, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(enc, layers, norm=nn.LayerNorm(dim), enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(dec, layers, norm=nn.LayerNorm(dim))
        self.register_buffer("positions", sinusoidal_positions(max_positions, dim), persistent=False)

    def embed(self, table, ids, first_position=0):
        return table(ids) * math.sqrt(self.dim) + self.positions[first_position:first_position + ids.shape[1]]

    def encode(self, source):
        pad = source == PAD
        return self.encoder(self.embed(self.src_embed, source), src_key_padding_mask=pad), pad

    def forward(self, source, decoder_input):
        """Teacher-forced logits [n, Lt, V_target]."""
        memory, pad = self.encode(source)
        length = decoder_input.shape[1]
        causal = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        h = self.decoder(self.embed(self.tgt_embed, decoder_input), memory, tgt_mask=causal,
                         memory_key_padding_mask=pad)
        return h @ self.tgt_embed.weight.t()


def transformer_twin(name, source_vocab, target_vocab, dropout=0.0):
    if name not in SIZES:
        raise ValueError(f"no PyTorch twin for model '{name}' (expected one of {', '.join(SIZES)})")
    return TransformerTwin(source_vocab, target_vocab, *SIZES[name], dropout=dropout)


def split_heads(x, heads):
    """[R, L, d] -> [R, H, L, dh]."""
    return x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2)


class StepDecoder:
    """The decoder run one token per row, with each layer's keys and values cached (eval mode, no grad)."""

    def __init__(self, model, source, rows_per_source, max_length):
        self.model, self.heads = model, model.heads
        memory, pad = model.encode(source)
        s, d = source.shape[0], model.dim
        # Rows never leave their source's block (reorder keeps each source's parents in it), so the cross-attention
        # keys, values and mask are laid out per row once.
        mask = torch.zeros(s, 1, 1, source.shape[1]).masked_fill(pad[:, None, None, :], float("-inf"))
        self.mask = mask.repeat_interleave(rows_per_source, dim=0)
        self.cross, self.cache = [], []
        rows, dh = s * rows_per_source, d // self.heads
        for layer in model.decoder.layers:
            w, b = layer.multihead_attn.in_proj_weight, layer.multihead_attn.in_proj_bias
            k = split_heads(F.linear(memory, w[d:2 * d], b[d:2 * d]), self.heads)
            v = split_heads(F.linear(memory, w[2 * d:], b[2 * d:]), self.heads)
            self.cross.append((k.repeat_interleave(rows_per_source, dim=0), v.repeat_interleave(rows_per_source, dim=0)))
            self.cache.append((torch.zeros(rows, self.heads, max_length, dh), torch.zeros(rows, self.heads, max_length, dh)))
        self.length = 0

    def attend(self, q, k, v, mask=None):
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        if mask is not None:
            scores = scores + mask
        return (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(q.shape[0], -1)

    def step(self, tokens):
        """Logits [R, V] of each row's next token after appending tokens [R]."""
        m, d, t = self.model, self.model.dim, self.length
        x = m.embed(m.tgt_embed, tokens[:, None], t)[:, 0]
        for layer, (ck, cv), (kc, vc) in zip(m.decoder.layers, self.cross, self.cache):
            q, k, v = F.linear(layer.norm1(x), layer.self_attn.in_proj_weight,
                               layer.self_attn.in_proj_bias).view(x.shape[0], 3, self.heads, 1, -1).unbind(1)
            kc[:, :, t:t + 1] = k
            vc[:, :, t:t + 1] = v
            x = x + layer.self_attn.out_proj(self.attend(q, kc[:, :, :t + 1], vc[:, :, :t + 1]))
            a = layer.multihead_attn
            q = split_heads(F.linear(layer.norm2(x), a.in_proj_weight[:d], a.in_proj_bias[:d])[:, None], self.heads)
            x = x + a.out_proj(self.attend(q, ck, cv, self.mask))
            x = x + layer.linear2(F.relu(layer.linear1(layer.norm3(x))))
        self.length += 1
        return m.decoder.norm(x) @ m.tgt_embed.weight.t()

    def reorder(self, parents):
        self.cache = [(k.index_select(0, parents), v.index_select(0, parents)) for k, v in self.cache]


@torch.no_grad()
def beam_search(model, source, beam, max_length, min_length):
    """Each source's best hypothesis (ids without EOS), fairseq's rules: 2*beam candidates per source and step, an
    EOS among the first `beam` finalises (score / length, EOS counted), the first `beam` others continue; EOS barred
    before min_length and forced at max_length. Finished sources' rows stay in the batch (not removed)."""
    s = source.shape[0]
    dec = StepDecoder(model, source, beam, max_length + 2)
    tokens = torch.full((s * beam,), BOS, dtype=torch.long)
    scores = torch.zeros(s, beam)
    history = torch.zeros(s * beam, 0, dtype=torch.long)
    finals = [[] for _ in range(s)]
    for step in range(max_length + 1):
        lp = torch.log_softmax(dec.step(tokens), dim=-1)
        lp[:, PAD] = lp[:, BOS] = float("-inf")
        if step < min_length:
            lp[:, EOS] = float("-inf")
        if step >= max_length:
            eos = lp[:, EOS].clone()
            lp.fill_(float("-inf"))
            lp[:, EOS] = eos
        vocab = lp.shape[1]
        lp = lp.view(s, beam, vocab)
        if step == 0:
            lp[:, 1:] = float("-inf")
        values, flat = (scores[:, :, None] + lp).view(s, -1).topk(2 * beam, dim=1)
        parent, token = flat // vocab, flat % vocab
        finalise(finals, values[:, :beam], parent[:, :beam], token[:, :beam], history.view(s, beam, -1), step, beam)
        if all(len(f) >= beam for f in finals):
            break
        keep = torch.sort((token == EOS).int(), dim=1, stable=True).indices[:, :beam]
        rows = (torch.arange(s)[:, None] * beam + parent.gather(1, keep)).view(-1)
        tokens, scores = token.gather(1, keep).view(-1), values.gather(1, keep)
        history = torch.cat([history.index_select(0, rows), tokens[:, None]], dim=1)
        dec.reorder(rows)
    return [max(f)[1] if f else [] for f in finals]


def finalise(finals, values, parent, token, history, step, beam):
    """Adds the EOS candidates among a step's first `beam` to their sources' finalised hypotheses (at most beam)."""
    for src, col in (token == EOS).nonzero().tolist():
        if len(finals[src]) < beam and values[src, col] > float("-inf"):
            finals[src].append((values[src, col].item() / (step + 1), history[src, parent[src, col]].tolist()))
