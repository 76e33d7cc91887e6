#!/usr/bin/env python3
"""test_timeline.py: tools/timeline on transcripts recorded from QEMU
runs (tests/timeline/record): boot at 4 and 64 processors, a vetoed add,
a timed-out add. Each picture must be well-formed SVG with one lane per
processor, one band per add holding one mark per callback of that add,
and must render (rsvg-convert) to an image that is not blank.

The expected counts come from the transcript itself, read here in the
plainest way (the @ lines in order), not from the tool.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, '..', '..', 'tools', 'timeline')
NS = '{http://www.w3.org/2000/svg}'


def at_lines(name):
    with open(os.path.join(HERE, name), 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    return [l for l in text.replace('\r', '').split('\n')
            if l.startswith('@')]


def expected(name):
    """Processors, and per @add the @notify lines since the command."""
    cpus, adds, since = set(), [], []
    for l in at_lines(name):
        kind = l.split()[0]
        if kind == '@cpu':
            cpus.add(int(re.search(r' mp=(\d+)', l).group(1)))
        elif kind in ('@cmd', '@register'):
            since = []
        elif kind == '@notify':
            since.append(l)
        elif kind == '@add':
            adds.append((l, since))
            since = []
    return cpus, adds


def draw(name, *args):
    r = subprocess.run([sys.executable, TOOL, os.path.join(HERE, name)] +
                       list(args), capture_output=True, text=True)
    if r.returncode:
        raise AssertionError('timeline failed: ' + r.stderr)
    return r.stdout


def groups(svg, cls):
    return [g for g in ET.fromstring(svg).iter(NS + 'g')
            if cls in g.get('class', '').split()]


def png_pixels(data):
    """Width, height, bytes per pixel and rows of an 8-bit RGB(A) PNG."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, colour = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and colour in (2, 6), 'not 8-bit RGB(A)'
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, rows = zlib.decompress(idat), w * bpp, []
    prev = bytes(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


class Transcripts(unittest.TestCase):
    def check(self, name, lanes_total):
        svg = draw(name)
        cpus, adds = expected(name)
        self.assertEqual(len(cpus), lanes_total)
        # one lane per processor: shown, or named in the idle row
        mps = []
        for g in groups(svg, 'lane'):
            mps += [int(m) for m in g.get('data-mp').split()]
        self.assertEqual(sorted(mps), sorted(cpus))
        # one band per add, with that add's callbacks
        bands = groups(svg, 'band')
        self.assertEqual(len(bands), len(adds))
        for band, (line, notifies) in zip(bands, adds):
            status = re.search(r'status=(\S+)', line).group(1)
            self.assertEqual(band.get('data-status'), status)
            marks = [r for r in band.iter(NS + 'rect')
                     if 'cb' in r.get('class', '').split()]
            self.assertEqual(len(marks), len(notifies), line)
            states = [r.get('class').split()[1] for r in marks]
            self.assertEqual(states, [re.search(r'state=(\w+)', n).group(1)
                                      for n in notifies])
        return svg

    def test_boot_4_processors_two_adds(self):
        svg = self.check('boot4.log', 4)
        self.assertEqual(len(groups(svg, 'idle')), 0)
        online = [c for c in ET.fromstring(svg).iter(NS + 'circle')
                  if c.get('class') == 'online']
        self.assertEqual(len(online), 3)    # mp 1 at boot, 2 and 3 added

    def test_boot_64_processors(self):
        svg = self.check('boot64.log', 64)
        boot = groups(svg, 'boot')[0]
        bars = [r for r in boot.iter(NS + 'rect')
                if r.get('class') == 'bringup']
        # every AP online at boot has its bar
        self.assertEqual(len(bars), sum(
            1 for l in at_lines('boot64.log')
            if l.startswith('@cpu') and 'state=online' in l))

    def test_vetoed_add(self):
        svg = self.check('veto.log', 4)
        vetoes = [t.text for t in ET.fromstring(svg).iter(NS + 'text')
                  if t.get('class') == 'veto']
        self.assertEqual(vetoes, ['veto: b 0xc000009a'])

    def test_timed_out_add(self):
        svg = self.check('timeout.log', 4)
        errors = [p for p in ET.fromstring(svg).iter(NS + 'path')
                  if p.get('class') == 'error']
        self.assertEqual(len(errors), sum(1 for l in at_lines('timeout.log')
                                          if l.startswith('@error')))

    def test_window_keeps_the_second_add_only(self):
        adds = [l for l in at_lines('boot4.log') if l.startswith('@add')]
        first = int(re.search(r' t=(\d+)$', adds[0]).group(1))
        svg = draw('boot4.log', '--from', '%dus' % (first + 1))
        self.assertEqual(len(groups(svg, 'band')), 1)
        idle = groups(svg, 'idle')
        self.assertEqual(len(idle), 1)   # mp 1 and mp 2 did nothing then
        self.assertEqual(idle[0].get('data-mp'), '1 2')

    def test_same_picture_without_carriage_returns(self):
        with open(os.path.join(HERE, 'veto.log'), 'rb') as f:
            data = f.read()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'veto.log')
            with open(path, 'wb') as f:
                f.write(data.replace(b'\r\n', b'\n'))
            lf = subprocess.run([sys.executable, TOOL, path],
                                capture_output=True, text=True).stdout
        self.assertEqual(lf, draw('veto.log'))

    def test_renders_to_an_image_that_is_not_blank(self):
        with tempfile.TemporaryDirectory() as d:
            svg, png = os.path.join(d, 't.svg'), os.path.join(d, 't.png')
            with open(svg, 'w') as f:
                f.write(draw('veto.log'))
            subprocess.run(['rsvg-convert', svg, '-o', png], check=True)
            with open(png, 'rb') as f:
                w, h, bpp, rows = png_pixels(f.read())
            root = ET.parse(svg).getroot()
        self.assertEqual((w, h), (int(root.get('width')),
                                  int(root.get('height'))))
        pixels = [row[i:i + 3] for row in rows
                  for i in range(0, len(row), bpp)]
        ink = sum(1 for p in pixels if p != b'\xff\xff\xff')
        self.assertGreater(ink, w * h // 50)
        # the failed add's band shows red: red well above green and blue
        self.assertGreater(sum(1 for p in pixels
                               if p[0] > 200 and p[0] - p[1] > 25 and
                               p[0] - p[2] > 25), 1000)


# The lines of a native start, in the formats CONTRACTS.md fixes for
# them (@start, @icr, @stage, @pass, @plug), with a verifier report:
# written by hand, since the recorded transcripts predate them.
NATIVE = """\
@cpu mp=0 apic=0 package=0 core=0 thread=0 state=bsp signature=0x1 t=100
@cpu mp=1 apic=2 package=0 core=1 thread=0 state=held signature=0x0 t=110
@plug apic=4 slot=2 t=115
@cpu mp=2 apic=4 package=0 core=2 thread=0 state=held source=plugged t=120
@ready active=1 held=2 max=3 t=130
@cmd text=add 1 t=1000
@pass state=start nt=1 kind=add drv=- t=1010
@notify drv=log state=start nt=1 group=0 number=1 status=0x00000000 op=0x00000000 t=1020
@verifier drv=log rule=op-outside-start t=1025
@start apic=2 mp=1 method=native t=1100
@icr apic=2 kind=init vector=0x00 t=1110
@icr apic=2 kind=sipi vector=0x08 t=1300
@icr apic=2 kind=sipi vector=0x08 t=1500
@stage apic=2 stage=real t=1510
@stage apic=2 stage=protected t=1520
@stage apic=2 stage=long t=1530
@stage apic=2 stage=c t=1540
@online mp=1 apic=2 start=1100 entry=1505 t=1600
@pass state=complete nt=1 kind=add drv=- t=1610
@notify drv=log state=complete nt=1 group=0 number=1 status=0x00000000 op=0x00000000 t=1620
@add mp=1 nt=1 status=0x00000000 active=2 method=native t=1700
"""


class NativeStart(unittest.TestCase):
    def test_ipis_stages_and_verifier_are_marked(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'native.log')
            with open(path, 'w') as f:
                f.write(NATIVE.replace('\n', '\r\n'))
            r = subprocess.run([sys.executable, TOOL, path, '--all-lanes'],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.fromstring(r.stdout)
        band, = groups(r.stdout, 'band')
        cls = [p.get('class') for p in band.iter(NS + 'path')]
        self.assertEqual(cls.count('icr'), 3)
        self.assertEqual(cls.count('stage'), 4)
        # the start bar runs from @start, on mp 1's lane (APIC id 2)
        bar, = [r for r in band.iter(NS + 'rect')
                if r.get('class') == 'start']
        self.assertIn('start at 1.100 ms', bar.find(NS + 'title').text)
        self.assertIn('mp 1:', bar.find(NS + 'title').text)
        self.assertEqual(len([r for r in band.iter(NS + 'rect')
                              if 'cb' in r.get('class', '').split()]), 2)
        marks = [p.get('class') for p in root.iter(NS + 'path')]
        self.assertEqual(marks.count('verifier'), 1)
        self.assertEqual(marks.count('plug'), 1)
        lanes = sorted(int(g.get('data-mp')) for g in groups(r.stdout,
                                                             'lane'))
        self.assertEqual(lanes, [0, 1, 2])


class Usage(unittest.TestCase):
    def run_tool(self, *args):
        return subprocess.run([sys.executable, TOOL] + list(args),
                              capture_output=True, text=True)

    def test_help(self):
        r = self.run_tool('--help')
        self.assertEqual(r.returncode, 0)
        self.assertIn('usage: timeline', r.stdout)
        self.assertIn('--from', r.stdout)

    def test_missing_file_is_one_line(self):
        r = self.run_tool('/nonexistent/run.log')
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, 'timeline: cannot read /nonexistent/'
                         'run.log: No such file or directory\n')

    def test_no_at_lines_is_one_line(self):
        with tempfile.NamedTemporaryFile('w', suffix='.log') as f:
            f.write('hotadd 0.2: processor hot-add simulator\r\nhotadd> \r\n')
            f.flush()
            r = self.run_tool(f.name)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r'^timeline: .* has no @ lines with t= '
                         r'\(was it made with --trace\?\)\n$')

    def test_bad_time_is_named(self):
        r = self.run_tool(os.path.join(HERE, 'boot4.log'), '--from', 'soon')
        self.assertEqual(r.returncode, 2)
        self.assertIn("'soon' is not a time", r.stderr)


if __name__ == '__main__':
    unittest.main()
