#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the hand-made seed inputs of the fuzz corpora (docs/fuzzing.md).

Every seed is synthetic: built here from the formats' specifications, never
from a real palm image. Run from the source tree root; existing seeds of the
same name are overwritten, inputs promoted from fuzz runs are left alone.
JPEG seeds are encoded with the system's libturbojpeg through ctypes. The
pipeline's seeds are palms from the emulator's renderer (build it first with
`make`; PALMVEIN_EMU names another binary), too small for a real sensor but
big enough for the pipeline to find a palm, kept a few KiB as JPEG.
"""
import ctypes
import ctypes.util
import os
import struct
import subprocess
import sys
import tempfile
import zlib

CORPUS = "tests/fuzz/corpus"


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# -- scenario scripts (docs/emulator.md) ------------------------------------

SCENARIOS = {
    "example": """# a customer pays, a fraudster tries a photo
none
at 1s palm 7 x=30 dist=140 rot=-25 spread=0.6 seed=1
move 1.5s x=0 dist=70 rot=-5 spread=0.9      # hand comes in
wait 3s
move 500ms dist=160                          # and leaves
wait 1s
none
ambient 0.4                                  # sun comes out
wait 1s
photo 7 dist=65 seed=2
wait 2s
fake 7 dist=65
wait 2s
none
wait 1s
loop
""",
    "all_fields": "palm 4294967295 x=-100 y=100 rot=180 dist=5 spread=0 "
                  "deform=1 ambient=0 glare=1 seed=0\r\n"
                  "move 1e3ms x=1.5e1 y=-.5 rot=-180 dist=400 spread=1 "
                  "deform=0 ambient=1 glare=0\n"
                  "pose\tx=+3\n glare 0.25\nseed 42\n",
    "moves_overlap": "palm 1\nmove 2s spread=0.5\nat 1s move 2s spread=1 x=9\n"
                     "at 1.5s pose spread=0\nwait 0ms\nloop\n",
    "empty": "",
    "comments_only": "# nothing\n\n   # at all\n\t\n",
    "no_newline": "palm 3 dist=70",
    "err_range": "palm 1 dist=401\n",
    "err_backwards": "at 2s none\nat 1s none\n",
    "err_after_loop": "wait 1s\nloop\nnone\n",
    "err_loop_zero": "none\nloop\n",
    "err_char": "palm 1\x01\n",
    "err_unknown": "palm 1\nwave 3\n",
    "err_twice": "palm 1 x=1 x=2\n",
    "err_seed_move": "move 1s seed=3\n",
    "err_time": "wait 2h\nwait 1000001s\n",
    "err_long_number": "ambient 0." + "0" * 80 + "1\n",
    "err_hex": "ambient 0x1\n",
    "err_at_alone": "at 1s\n",
    "err_too_many_words": "pose" + " x=1" * 40 + "\n",
    "err_uint": "palm 4294967296\n",
}

# -- control socket lines (docs/emulator.md) ---------------------------------

CONTROLS = {
    "faults": "fault overtemp on\nfault led-open on\nfault led-open off\n"
              "fault sensor on\nfault led-short off\nstatus\n",
    "every": "corrupt-every 10\ntruncate-every 7\n  corrupt-every 0  # off\n"
             "truncate-every 4294967295\nstatus\n",
    "live": "palm 3 dist=70\nmove 2s rot=30\nstatus\nglare 7\n"
            "at 1s none\nwait 1s\nloop\n",
    "errors": "fault\nfault melted on\nfault sensor maybe\n"
              "fault sensor off now\ncorrupt-every\ntruncate-every -3\n"
              "truncate-every 99999999999\ntruncate-every 3 4\nstatus now\n",
    "blank": "\n\n# comment\n\t\n",
    "long_line": "pose x=1" + " " * 1100 + "\nstatus\n",
}

# -- firmware control requests (include/uapi/linux/palmvein.h) ---------------

DIR_IN = 0x80
VENDOR_INTERFACE = 0x41


def req(request, length=0, value=0, index=0, dir_in=False, flags=0):
    rtype = VENDOR_INTERFACE | (DIR_IN if dir_in else 0)
    return struct.pack("<BBHHHB", rtype, request, value, index, length,
                       flags)


GET_INFO, GET_EXP, SET_EXP, GET_GAIN, SET_GAIN = 0x01, 0x10, 0x11, 0x12, 0x13
GET_LED, SET_LED, START, STOP, STATUS = 0x14, 0x15, 0x20, 0x21, 0x30


def firmware_seeds():
    # SET requests carry their value in wValue and have no data stage
    led = lambda bank, mode, intensity: bank << 14 | mode << 12 | intensity
    return {
        "session": b"".join([
            req(GET_INFO, 4, dir_in=True),
            req(GET_INFO, 0x1000, dir_in=True),
            req(GET_INFO, 296, dir_in=True),
            req(SET_EXP, value=8000),
            req(GET_EXP, 4, dir_in=True),
            req(SET_GAIN, value=64),
            req(GET_GAIN, 2, dir_in=True),
            req(SET_LED, value=led(0, 1, 255)),
            req(SET_LED, value=led(1, 3, 40)),
            req(GET_LED, 4, value=1, dir_in=True),
            req(START, value=3),
            req(STATUS, 16, dir_in=True),
            req(STOP),
        ]),
        "hot_leds": b"".join([
            req(SET_LED, value=led(0, 1, 255)),
            req(SET_LED, value=led(1, 1, 255)),
            req(STATUS, 16, dir_in=True, flags=0xfc),
            req(STATUS, 16, dir_in=True, flags=0xfc),
            req(START, value=9),
            req(STATUS, 16, dir_in=True, flags=0x85),
            req(STATUS, 16, dir_in=True, flags=0x84),
        ]),
        "stalls": b"".join([
            req(SET_EXP, value=0),
            req(SET_EXP, value=9),
            req(SET_EXP, value=30001),
            req(SET_GAIN, value=15),
            req(SET_GAIN, value=257),
            req(SET_GAIN, value=0xffff),
            req(SET_LED, value=led(2, 1, 1)),
            req(SET_LED, value=9 << 12 | 1),
            req(SET_LED, value=led(0, 1, 256)),
            req(SET_LED, value=led(0, 1, 4095)),
            req(START, value=10),
            req(START, value=200),
            req(STOP, value=1),
            # the data-stage form of a SET, even with a valid value
            req(SET_EXP, 4, value=8000),
            req(SET_GAIN, 2, value=64),
            req(SET_LED, 4, value=led(0, 1, 1)),
            req(START, 4, value=0),
            req(STOP, 4),
            req(GET_INFO, 3, dir_in=True),
            req(GET_EXP, 4, dir_in=True, flags=1),
            req(GET_EXP, 4, index=1, dir_in=True),
            req(GET_EXP, 4, value=1, dir_in=True),
            req(GET_EXP, 4),
            req(0x7f),
        ]),
    }


# -- images (include/palmvein/image.h) ---------------------------------------

def gradient(w, h, maxval):
    return [(x * 7 + y * 13) % (maxval + 1) for y in range(h) for x in range(w)]


def pgm_p5(w, h, maxval, header=None):
    px = gradient(w, h, maxval)
    if maxval > 255:
        body = b"".join(struct.pack(">H", v) for v in px)
    else:
        body = bytes(px)
    head = header or "P5\n%d %d\n%d\n" % (w, h, maxval)
    return head.encode() + body


def pgm_p2(w, h, maxval):
    px = gradient(w, h, maxval)
    rows = [" ".join(str(v) for v in px[y * w:(y + 1) * w]) for y in range(h)]
    return ("P2\n# synthetic\n%d %d\n%d\n" % (w, h, maxval) +
            "\n".join(rows) + "\n").encode()


TJPF_RGB, TJPF_GRAY, TJPF_CMYK = 0, 6, 11
TJSAMP_444, TJSAMP_420, TJSAMP_GRAY = 0, 2, 3
TJFLAG_PROGRESSIVE = 16384


def jpeg(w, h, pixels, pf, subsamp, quality=75, flags=0):
    """Encodes @pixels (rows of pixel format @pf) with libturbojpeg."""
    lib = ctypes.CDLL(ctypes.util.find_library("turbojpeg") or
                      "libturbojpeg.so.0")
    lib.tjInitCompress.restype = ctypes.c_void_p
    lib.tjCompress2.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
        ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int,
        ctypes.c_int]
    lib.tjFree.argtypes = [ctypes.c_void_p]
    lib.tjDestroy.argtypes = [ctypes.c_void_p]
    tj = lib.tjInitCompress()
    out, size = ctypes.c_void_p(), ctypes.c_ulong(0)
    if lib.tjCompress2(tj, pixels, w, 0, h, pf, ctypes.byref(out),
                       ctypes.byref(size), subsamp, quality, flags):
        sys.exit("tjCompress2 failed")
    data = ctypes.string_at(out, size.value)
    lib.tjFree(out)
    lib.tjDestroy(tj)
    return data


def colour(w, h, channels):
    """A gradient spread over @channels bytes per pixel."""
    return bytes(v for p in gradient(w, h, 255)
                 for v in (p, 255 - p, p // 2, 255)[:channels])


def jpeg_patch_frame(data, marker=None, precision=None, size=None):
    """@data with its frame header (SOF0/SOF2) changed."""
    data = bytearray(data)
    i = next(i for i in range(2, len(data) - 9)
             if data[i] == 0xff and data[i + 1] in (0xc0, 0xc2))
    if marker is not None:
        data[i + 1] = marker
    if precision is not None:
        data[i + 4] = precision
    if size is not None:
        data[i + 5:i + 9] = struct.pack(">HH", size[1], size[0])
    return bytes(data)


def jpeg_drop_segment(data, marker):
    """@data without its first segment of @marker (e.g. APP14 0xee)."""
    i = data.index(bytes((0xff, marker)), 2)
    return data[:i] + data[i + 2 + struct.unpack(">H", data[i + 2:i + 4])[0]:]


def image_seeds():
    grey = jpeg(16, 8, bytes(gradient(16, 8, 255)), TJPF_GRAY, TJSAMP_GRAY)
    cmyk = jpeg(16, 16, colour(16, 16, 4), TJPF_CMYK, TJSAMP_444)
    progressive = jpeg(8, 8, bytes(gradient(8, 8, 255)), TJPF_GRAY,
                       TJSAMP_GRAY, flags=TJFLAG_PROGRESSIVE)
    return {
        "p5_8bit": pgm_p5(5, 3, 255),
        "p5_maxval_100": pgm_p5(4, 4, 100),
        "p5_10bit": pgm_p5(3, 2, 1023),
        "p5_comment": pgm_p5(2, 2, 255, "P5 # c\n2 #w\n 2\n255\t"),
        "p2_ascii": pgm_p2(4, 3, 255),
        "p2_16bit": pgm_p2(3, 2, 65535),
        "p5_truncated": pgm_p5(8, 8, 255)[:-5],
        "p5_over_maxval": b"P5 2 1 10\n\x05\x0b",
        "p5_too_big": b"P5 8193 1 255\n\x00",
        "p5_zero": b"P5 0 4 255\n",
        "p2_not_number": b"P2 2 2 9\n1 2 x 4\n",
        "jpeg_grey": grey,
        "jpeg_colour_420": jpeg(16, 16, colour(16, 16, 3), TJPF_RGB,
                                TJSAMP_420),
        "jpeg_cmyk": cmyk,
        "jpeg_cmyk_no_adobe": jpeg_drop_segment(cmyk, 0xee),
        "jpeg_progressive": progressive,
        "jpeg_12bit": jpeg_patch_frame(grey, precision=12),
        "jpeg_lossless": jpeg_patch_frame(grey, marker=0xc3),
        "jpeg_huge_claim": jpeg_patch_frame(progressive, size=(8192, 8192)),
        "p5_huge_claim": b"P5 8192 8192 65535\n",
        "p2_huge_claim": b"P2 8192 8192 255\n1 2 3\n",
        "jpeg_truncated": grey[:len(grey) // 2],
        "jpeg_no_eoi": grey[:-2],
        "not_an_image": b"GIF89a",
    }


# -- the vein pipeline on rendered palms (emulator/render) -------------------

def render(args, size=(200, 125)):
    """An 8-bit rendered frame as (width, height, pixels)."""
    emu = os.environ.get("PALMVEIN_EMU", "build/bin/palmvein-emu")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "frame.pgm")
        subprocess.run([emu, "--size", "%dx%d" % size, "-o", out] + args,
                       check=True)
        with open(out, "rb") as f:
            data = f.read()
    magic, w, h, maxval, pixels = data.split(maxsplit=4)
    if magic != b"P5" or maxval != b"255":
        sys.exit("unexpected render output")
    return int(w), int(h), pixels


def extract_seeds():
    seeds = {}
    for name, args, quality in [
            ("palm_3", ["--render", "3"], 60),
            ("palm_8_rotated", ["--render", "8", "--rot", "-35", "--x", "10",
                                "--spread", "0.3", "--seed", "4"], 50),
            ("photo_5", ["--render", "5", "--target", "photo"], 50),
            ("palm_6_glare", ["--render", "6", "--glare", "0.8",
                              "--ambient", "0.5"], 40)]:
        w, h, pixels = render(args)
        seeds[name] = jpeg(w, h, pixels, TJPF_GRAY, TJSAMP_GRAY, quality)
    return seeds


# -- templates (docs/template-format.md) -------------------------------------

def template(minor=0, flags=0, key_id=0, geom=(100.5, 80.25, -12.0, 96.0),
             quality=(255, 128, 0, 200, 17, 255, 87), reserved=0,
             algorithm=1):
    t = bytearray(564)
    t[0:4] = b"PVTM"
    t[4], t[5], t[6], t[7] = 1, minor, algorithm, flags
    struct.pack_into("<HBBI", t, 8, 564, 32, 3, key_id)
    struct.pack_into("<4f", t, 16, *geom)
    t[32:39] = bytes(quality)
    t[39] = reserved
    for i in range(96 + 32):
        struct.pack_into("<I", t, 40 + 4 * i, (0x9e3779b9 * (i + 1)) &
                         0xffffffff)
    t[552:560] = bytes([reserved] * 8)
    struct.pack_into("<I", t, 560, zlib.crc32(bytes(t[:560])))
    return bytes(t)


def template_seeds():
    plain = template()
    bad_crc = bytearray(plain)
    bad_crc[100] ^= 1
    return {
        "plain": plain,
        "protected": template(flags=1, key_id=0xdeadbeef),
        "minor_reserved": template(minor=7, reserved=0xaa),
        "negative_zero_side": template(geom=(0.0, 0.0, 360.0, -0.0)),
        "bad_crc": bytes(bad_crc),
        "bad_magic": b"PVTX" + plain[4:],
        "truncated": plain[:300],
        "trailing": plain + b"\0",
        "key_without_flag": template(key_id=5),
        "score_101": template(quality=(0, 0, 0, 0, 0, 0, 101)),
        "angle_361": template(geom=(0.0, 0.0, 361.0, 1.0)),
        "algorithm_2": template(algorithm=2),
        "header_only": plain[:10],
    }


def main():
    for name, text in SCENARIOS.items():
        write("scenario", name, text)
    for name, text in CONTROLS.items():
        write("control", name, text)
    for name, data in firmware_seeds().items():
        write("firmware", name, data)
    for name, data in image_seeds().items():
        write("image", name, data)
    for name, data in template_seeds().items():
        write("template", name, data)
    for name, data in extract_seeds().items():
        write("extract", name, data)


if __name__ == "__main__":
    main()
