#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into tests/fuzz/corpus/<harness>/: a few small valid inputs
of each reader (the fuzzer mutates them into invalid ones). Run from anywhere; Debian's python3 with h5py and PIL."""
import gzip
import io
import pathlib
import shutil
import struct

import h5py
import numpy as np
from PIL import Image

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
FINDINGS = pathlib.Path(__file__).resolve().parent / "findings"


def write(harness, name, data):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def idx_images(n, h, w):
    return struct.pack(">IIII", 0x803, n, h, w) + bytes((i * 37) % 256 for i in range(n * h * w))


def idx_labels(labels):
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


def idx_input(images, labels):  # the harness's layout: label-file length, labels, images
    return struct.pack("<H", len(labels)) + labels + images


def idx_corpus():
    write("fuzz_idx", "three_4x4", idx_input(idx_images(3, 4, 4), idx_labels([0, 1, 2])))
    write("fuzz_idx", "one_2x3_gzip", idx_input(gzip.compress(idx_images(1, 2, 3), mtime=0), idx_labels([1])))
    write("fuzz_idx", "empty_sets", idx_input(idx_images(0, 1, 1), idx_labels([])))


def cifar_corpus():
    pixels = bytes((i * 13) % 256 for i in range(3072))
    write("fuzz_cifar", "cifar10_one", b"\x00" + bytes([3]) + pixels)
    write("fuzz_cifar", "cifar100_one", b"\x01" + bytes([4, 42]) + pixels)
    write("fuzz_cifar", "cifar10_two_gzip", b"\x00" + gzip.compress((bytes([1]) + pixels) * 2, mtime=0))


def cmudict_corpus():
    entries = (b'("a" dt (((ax) 0)))\n("a" n (((ey) 1)))\n'
               b'("aaa" nil (((t r ih) 1) ((p ax) 0) ((l ey) 1)))\n("lead" v_p (((l eh d) 1)))\n')
    write("fuzz_cmudict", "four_words", b"MNCL\n" + entries)
    write("fuzz_cmudict", "crlf", b"MNCL\r\n" + entries.replace(b"\n", b"\r\n"))
    write("fuzz_cmudict", "gzip", gzip.compress(b"MNCL\n" + entries, mtime=0))


def parallel_tsv_corpus():
    rows = "Open file\tDatei \u00f6ffnen\nquit\tbeenden\tschlie\u00dfen\n\u20ac 5\t5 \u20ac\n".encode()
    write("fuzz_parallel_tsv", "three_rows", rows)
    write("fuzz_parallel_tsv", "crlf_bom", b"\xef\xbb\xbf" + rows.replace(b"\n", b"\r\n"))
    write("fuzz_parallel_tsv", "gzip", gzip.compress(rows, mtime=0))


def mo_file(entries, big_endian=False, revision=0):
    """A .mo catalogue as msgfmt lays it out (header, msgid and msgstr descriptor tables, strings), no hash table."""
    order = ">" if big_endian else "<"
    n = len(entries)
    ids, strs = 28, 28 + 8 * n
    at = strs + 8 * n
    head = struct.pack(order + "7I", 0x950412DE, revision, n, ids, strs, 0, at)
    tables, data = b"", b""
    for column in (0, 1):
        for entry in entries:
            tables += struct.pack(order + "2I", len(entry[column]), at + len(data))
            data += entry[column] + b"\0"
    return head + tables + data


def mo_corpus():
    header = (b"", b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n")
    entries = [header, (b"Open the selected file", "Die gewählte Datei öffnen".encode()),
               (b"menu\x04_Quit", b"_Beenden"), (b"one file\0%d files", b"eine Datei\0%d Dateien")]
    write("fuzz_mo", "little_endian", mo_file(entries))
    write("fuzz_mo", "big_endian_revision_1", mo_file(entries, big_endian=True, revision=0x10001))
    write("fuzz_mo", "latin1_header", mo_file([(b"", b"Content-Type: text/plain; charset=ISO-8859-1\n")]))


def checkpoint(path, distill, libver):
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["format"] = np.bytes_("lskd-run/3")  # fixed-length strings, as lskd writes them
        f.attrs["config"] = np.bytes_("model: mlp\nhidden: 4\nepochs: 1\nsmoothing: 0.1\n")
        f.attrs["num_classes"] = np.int64(3)
        f.attrs["class_names"] = np.array([b"a", b"b", b"c"])
        f.attrs["input_shape_hwc"] = np.bytes_("2,2,1")
        f.attrs["epochs_done"] = np.int64(1)
        f.attrs["complete"] = np.int64(1)
        f.attrs["world_size"] = np.int64(1)
        f.attrs["setup_seconds"] = 0.5
        f.attrs["write_seconds"] = 0.25
        f["data/normalization_mean"] = np.array([0.5])
        f["data/normalization_std"] = np.array([0.25])
        f["params/classifier.weight"] = np.arange(12, dtype=np.float32).reshape(3, 4)
        f["params/classifier.bias"] = np.zeros(3, dtype=np.float32)
        f["optimizer/classifier.weight.momentum"] = np.zeros((3, 4), dtype=np.float32)
        f["metrics/test_acc"] = np.array([0.5])
        f.create_group("counters").attrs["dropout.calls"] = np.int64(2)
        if distill:
            d = f.create_group("distill")
            d.attrs["teacher_file"] = np.bytes_("teacher")
            d.attrs["teacher_hash"] = np.bytes_("0123456789abcdef")
            for name, value in [("teacher_alpha", 0.1), ("teacher_test_acc", 0.8), ("gamma", 0.05)]:
                d.attrs[name] = value


def split_outputs(path, penultimate, libver):
    """A record (with penultimate features) or a split's outputs, of 2 examples of the checkpoint seeds' 3 classes."""
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["split"] = np.bytes_("test")
        f.attrs["epoch"] = np.int64(1)
        if penultimate:
            f["penultimate"] = np.arange(8, dtype=np.float32).reshape(2, 4)
        f["logits"] = np.arange(6, dtype=np.float32).reshape(2, 3)
        f["labels"] = np.array([0, 2], dtype=np.int32)
        f["indices"] = np.array([5, 9], dtype=np.int64)


def run_file_corpus():
    folder = CORPUS / "fuzz_run_file"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    checkpoint(folder / "teacher.h5", False, "latest")
    checkpoint(folder / "student.h5", True, "latest")
    split_outputs(folder / "record.h5", True, "latest")
    split_outputs(folder / "outputs.h5", False, "latest")
    # h5py's default, HDF5's pre-1.8 format, which lskd reads after a check in a child process: these seeds and the
    # local-heap crash the fuzzer found in that format are fuzzed through the check.
    checkpoint(folder / "teacher_earliest.h5", False, None)
    checkpoint(folder / "student_earliest.h5", True, None)
    split_outputs(folder / "record_earliest.h5", True, None)
    shutil.copy(FINDINGS / "run_file_hdf5_local_heap_null_read.h5", folder)


def yaml_corpus():
    write("fuzz_yaml_config", "run.yaml", b"model: mlp\nhidden: [8, 4]\nsmoothing: 0.1\nmilestones: [2, 4]\n"
          b"nesterov: true\nlr: 0.05\nseed: 3\nthreads: 1\n")
    write("fuzz_yaml_config", "sweep.yaml", b"output: out\nseeds: [1, 2]\n"
          b"teacher: {model: mlp-1200, alphas: [0, 0.1], recipe: {epochs: 2, hidden: [8]}}\n"
          b"student: {model: mlp-800, loss: hinton, beta: 0.5, recipe: {epochs: 1, lr: 0.1}}\n"
          b"distill:\n  - {teacher-alpha: 0, temperatures: [1, 4]}\nbaselines: {alphas: [0]}\nparallel: 2\n")
    write("fuzz_yaml_config", "duplicate.yaml", b"lr: 0.1\nlr: 0.2\n")
    shutil.copy(FINDINGS / "yaml_depth_item_line_ending_in_spaces.yaml", CORPUS / "fuzz_yaml_config")


def text_metrics_corpus():  # hypotheses of lskd score: UTF-8 lines, entities, numbers, phones
    write("fuzz_text_metrics", "readme.txt",
          b"The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n")
    write("fuzz_text_metrics", "tokens.txt", "3.14, 1-2 &amp;lt;x&gt; e.g. caf\u00e9.\n\u3000a\u00a0b\r\n".encode())
    write("fuzz_text_metrics", "phones.txt", b"k ae t\nd ao g\n\nr eh d")


def image_bytes(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def image_corpus():  # small files of each kind the decoders meet; 16x12 pixels of a gradient
    rgb = Image.frombytes("RGB", (16, 12), bytes((x * 16 + y * 3 * c) % 256 for y in range(12) for x in range(16)
                                                 for c in (1, 2, 3)))
    write("fuzz_jpeg", "rgb_420.jpg", image_bytes(rgb, "JPEG", quality=50))
    write("fuzz_jpeg", "rgb_444_progressive.jpg", image_bytes(rgb, "JPEG", quality=50, subsampling=0,
                                                                progressive=True))
    write("fuzz_jpeg", "grey_restarts.jpg", image_bytes(rgb.convert("L"), "JPEG", quality=50, restart_marker_rows=1))
    write("fuzz_jpeg", "cmyk_adobe.jpg", image_bytes(rgb.convert("CMYK"), "JPEG", quality=50))
    write("fuzz_jpeg", "exif_orientation_6.jpg", image_bytes(rgb, "JPEG", quality=50, exif=exif_orientation(6)))
    write("fuzz_png", "rgb.png", image_bytes(rgb, "PNG"))
    write("fuzz_png", "palette_trns.png", image_bytes(rgb.quantize(16), "PNG", transparency=3))
    write("fuzz_png", "grey16.png", image_bytes(rgb.convert("L").convert("I;16"), "PNG"))
    write("fuzz_png", "grey_alpha.png", image_bytes(rgb.convert("LA"), "PNG"))
    write("fuzz_png", "rgba_exif_8.png", image_bytes(rgb.convert("RGBA"), "PNG", exif=exif_orientation(8)))


def image_geometry_input(w, h, ow, oh, box, crop, seed):  # the harness's layout
    return bytes([w, h, ow, oh]) + struct.pack("<4f", *box) + struct.pack("<4d", *crop) + bytes([seed])


def image_geometry_corpus():
    write("fuzz_image_geometry", "photo_to_square",
          image_geometry_input(80, 60, 32, 32, (0, 0, 80, 60), (0.08, 1.0, 3 / 4, 4 / 3), 1))
    write("fuzz_image_geometry", "fractional_box_enlarged",
          image_geometry_input(9, 13, 40, 17, (0.5, 1.25, 8.75, 12.5), (0.5, 1.0, 1.0, 1.0), 2))
    write("fuzz_image_geometry", "elongated_fallback",
          image_geometry_input(90, 2, 5, 7, (0, 0, 90, 2), (0.9, 1.0, 3 / 4, 4 / 3), 3))


if __name__ == "__main__":
    idx_corpus()
    mo_corpus()
    cifar_corpus()
    cmudict_corpus()
    parallel_tsv_corpus()
    run_file_corpus()
    yaml_corpus()
    text_metrics_corpus()
    image_corpus()
    image_geometry_corpus()
