# Generates assets/icon.png (the plugin's listing icon, 512x512): a cloud over a dark
# square with a check-mark "guard" stripe. Run: python3 scripts/make-icon.py
import struct, zlib, math, os

SIZE = 512
BG = (17, 34, 64)
CLOUD = (236, 242, 250)
ACCENT = (52, 168, 120)

def inside_cloud(x, y):
    # union of circles and a base rectangle
    circles = [(190, 270, 80), (270, 230, 105), (350, 280, 72)]
    for cx, cy, r in circles:
        if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
            return True
    return 150 <= x <= 390 and 270 <= y <= 352 and True

def on_check(x, y):
    # a thick check mark below the cloud
    def near(ax, ay, bx, by, w):
        vx, vy = bx - ax, by - ay
        t = max(0, min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
        px, py = ax + t * vx, ay + t * vy
        return (x - px) ** 2 + (y - py) ** 2 <= w * w
    return near(205, 300, 250, 340, 14) or near(250, 340, 330, 255, 14)

rows = []
for y in range(SIZE):
    row = bytearray([0])
    for x in range(SIZE):
        # rounded-corner square
        r = 90
        cx = min(max(x, r), SIZE - 1 - r)
        cy = min(max(y, r), SIZE - 1 - r)
        if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
            row += bytes((0, 0, 0, 0))
            continue
        colour = BG
        if inside_cloud(x, y):
            colour = ACCENT if on_check(x, y) else CLOUD
        row += bytes((*colour, 255))
    rows.append(bytes(row))

raw = b''.join(rows)
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', SIZE, SIZE, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
out = os.path.join(os.path.dirname(__file__), '..', 'plugin', 'assets', 'icon.png')
with open(out, 'wb') as f:
    f.write(png)
print(f'wrote {os.path.normpath(out)} ({len(png)} bytes)')
