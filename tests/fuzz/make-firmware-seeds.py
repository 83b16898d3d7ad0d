#!/usr/bin/env python3
"""Seeds for fuzz-firmware: small images made here, never real firmware.

  make-firmware-seeds.py DIR

app-*: ESP32-S3 app images (header, two segments, checksum, appended
SHA-256) with an esp_app_desc_t; desc-*: the first 256 bytes the harness
wraps into an image (an app description, then code); www-*: SPIFFS images
of empty blocks with ESP-IDF's block magic.
"""
import hashlib
import os
import struct
import sys


def app_desc(project, version):
    d = struct.pack('<IIII', 0xABCD5432, 0, 0, 0)
    d += version.encode().ljust(32, b'\0') + project.encode().ljust(32, b'\0')
    d += b'10:00:00'.ljust(16, b'\0') + b'Dec  5 2026'.ljust(16, b'\0')
    d += b'v5.5.1'.ljust(32, b'\0')
    return d.ljust(256, b'\x5a')


def app_image(chip, project, version, code):
    code = code + b'\0' * (-len(code) % 4)
    desc = app_desc(project, version)
    img = bytes([0xE9, 2, 2, 0x2f]) + struct.pack('<I', 0x40375000) + bytes([0xee, 0, 0, 0])
    img += struct.pack('<HBHH', chip, 0, 0, 99) + b'\0' * 4 + bytes([1])
    img += struct.pack('<II', 0x3C000020, len(desc)) + desc
    img += struct.pack('<II', 0x40370000, len(code)) + code
    s = 0xEF
    for b in desc + code:
        s ^= b
    img += b'\0' * (15 - len(img) % 16) + bytes([s])
    return img + hashlib.sha256(img).digest()


def spiffs(blocks):
    out = bytearray(b'\xff' * (blocks * 4096))
    for b in range(blocks):
        struct.pack_into('<H', out, b * 4096 + 252, (0x20140529 ^ 256 ^ (blocks - b)) & 0xffff)
    out[0:4] = b'\x01\x80\x01\x00'
    return bytes(out)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    seeds = {
        'app-s3': app_image(9, 'esp-miner', 'v2.99.0', bytes(range(256)) * 2),
        'app-c3': app_image(5, 'esp-miner', 'v2.99.0', b'code'),
        'app-other': app_image(9, 'blink', 'v1', b'code'),
        'desc-good': app_desc('esp-miner', 'v2.15.0') + b'\x01\x02\x03\x04' * 8,
        'desc-long-version': app_desc('esp-miner', 'v' * 31),
        'www-2': spiffs(2),
        'www-4': spiffs(4),
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
