// The heads of ultralytics/nn/modules/head.py: Detect (legacy v3/v5/v8/v9 class branch or the
// YOLO11 depthwise one), v10Detect, Segment (+ Proto), Pose, OBB, and Classify, with
// `reg_max` box bins, the DFL conv when reg_max > 1, and the one-to-one branch copies of
// end-to-end heads; and the anchor-based Detect and Segment of the YOLOv5 repository
// (models/yolo.py: one 1x1 conv per level to anchors x (classes + 5 [+ masks])). Contract:
// every level's branches are expanded as the PyTorch module builds them; the returned index
// is the last level's output.
import type { LayerBuilder } from './builder';
import { globalPool } from '../../core/ir';
import type { ArgValue } from './model';

export interface DetectOptions {
  nc: number;
  regMax: number;
  /** v3/v5/v8/v9 files (no C3k2/C2fCIB row before the head): the class branch is two 3x3 Convs. */
  legacy: boolean;
  /** The one2one_cv2 / one2one_cv3 copies (v10Detect, or `end2end: true`). */
  end2end: boolean;
  /** v10Detect: the class branch is always depthwise + pointwise. */
  v10: boolean;
}

/** An extra per-level branch of Segment, Pose and OBB: Conv 3x3 to c4, Conv 3x3, Conv2d 1x1 to `out`. */
export interface ExtraBranch {
  c4: number;
  out: number;
}

function boxBranch(b: LayerBuilder, name: string, x: number, c: number, c2: number, regMax: number): number {
  let y = b.conv(`${name}.0`, x, c, c2, { k: 3 });
  y = b.conv(`${name}.1`, y, c2, c2, { k: 3 });
  return b.conv2d(`${name}.2`, y, 4 * regMax);
}

function classBranch(b: LayerBuilder, name: string, x: number, c: number, c3: number, o: DetectOptions): number {
  let y: number;
  if (o.legacy && !o.v10) {
    y = b.conv(`${name}.0`, x, c, c3, { k: 3 });
    y = b.conv(`${name}.1`, y, c3, c3, { k: 3 });
  } else {
    y = b.conv(`${name}.0.0`, x, c, c, { k: 3, g: c });
    y = b.conv(`${name}.0.1`, y, c, c3);
    y = b.conv(`${name}.1.0`, y, c3, c3, { k: 3, g: c3 });
    y = b.conv(`${name}.1.1`, y, c3, c3);
  }
  return b.conv2d(`${name}.2`, y, o.nc);
}

function extraBranch(b: LayerBuilder, name: string, x: number, c: number, e: ExtraBranch): number {
  let y = b.conv(`${name}.0`, x, c, e.c4, { k: 3 });
  y = b.conv(`${name}.1`, y, e.c4, e.c4, { k: 3 });
  return b.conv2d(`${name}.2`, y, e.out);
}

/**
 * Detect(nc, ch) and its subclasses: per level a box branch (cv2) and a class branch (cv3),
 * concatenated; `extra` adds cv4 (masks, keypoints, angles); end-to-end heads repeat cv2 and
 * cv3 as one2one_cv2 / one2one_cv3. The DFL conv (reg_max → 1, fixed weights shared by every
 * level) decodes each level's box distributions.
 */
export function detect(
  b: LayerBuilder,
  name: string,
  ins: number[],
  chs: number[],
  o: DetectOptions,
  extra?: ExtraBranch,
): number {
  const ch0 = chs[0]!;
  const c2 = Math.max(16, Math.floor(ch0 / 4), o.regMax * 4);
  const c3 = Math.max(ch0, Math.min(o.nc, 100));
  const outs: number[] = [];
  const boxes: number[] = [];
  ins.forEach((x, k) => {
    const c = chs[k]!;
    const box = boxBranch(b, `${name}.cv2.${k}`, x, c, c2, o.regMax);
    const cls = classBranch(b, `${name}.cv3.${k}`, x, c, c3, o);
    boxes.push(box);
    const parts = [box, cls];
    if (extra) parts.push(extraBranch(b, `${name}.cv4.${k}`, x, c, extra));
    outs.push(b.concat(`${name}.cat.${k}`, parts));
  });
  if (o.end2end || o.v10)
    ins.forEach((x, k) => {
      const c = chs[k]!;
      const box = boxBranch(b, `${name}.one2one_cv2.${k}`, x, c, c2, o.regMax);
      const cls = classBranch(b, `${name}.one2one_cv3.${k}`, x, c, c3, o);
      b.concat(`${name}.one2one_cat.${k}`, [box, cls]);
    });
  if (o.regMax > 1)
    boxes.forEach((box, k) => {
      const sfx = ins.length > 1 ? `.${k}` : '';
      const v = b.add(`${name}.dfl${sfx}.view`, 'view', { kind: 'reshape', h: 4, c: o.regMax }, [box]);
      b.conv2d(`${name}.dfl${sfx}.conv`, v, 1, { bias: false, shared: k > 0 }, 'DFL');
    });
  return outs[outs.length - 1]!;
}

/**
 * Anchors per level of a YOLOv5 `anchors` value, as models/yolo.py reads it: a list of levels
 * each with w,h pairs (len(anchors[0]) // 2), or a count per level; else why it is not one.
 */
export function anchorsPerLevel(v: ArgValue | undefined): { na: number; levels?: number } | string {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 ? { na: v } : `${v} is not a number of anchors.`;
  if (!Array.isArray(v) || v.length === 0)
    return 'anchors must be a list of levels of w,h pairs or a number of anchors.';
  const pairs = v.map((level) =>
    Array.isArray(level) && level.length >= 2 && level.length % 2 === 0 && level.every((x) => typeof x === 'number')
      ? level.length / 2
      : 0,
  );
  if (pairs.some((n) => n === 0)) return 'each level of anchors must be a list of w,h pairs.';
  return { na: pairs[0]!, levels: v.length };
}

/** YOLOv5 Detect(nc, anchors, ch): per level nn.Conv2d(ch, outputs, 1) with bias (outputs = na x (nc + 5 [+ nm])). */
export function anchorDetect(b: LayerBuilder, name: string, ins: number[], outputs: number): number {
  let last = ins[0]!;
  ins.forEach((x, k) => {
    last = b.conv2d(`${name}.m.${k}`, x, outputs);
  });
  return last;
}

/**
 * The YOLOv7 repository's IDetect(nc, anchors, ch): per level ImplicitA (a learned value added to
 * each input channel), the 1x1 conv with bias to `outputs`, ImplicitM (a learned value multiplying
 * each output channel).
 */
export function implicitDetect(b: LayerBuilder, name: string, ins: number[], outputs: number): number {
  let last = ins[0]!;
  ins.forEach((x, k) => {
    const a = b.add(`${name}.ia.${k}`, 'ImplicitA', { kind: 'scale', bias: false }, [x]);
    const y = b.conv2d(`${name}.m.${k}`, a, outputs);
    last = b.add(`${name}.im.${k}`, 'ImplicitM', { kind: 'scale', bias: false }, [y]);
  });
  return last;
}

/** YOLOv5 Proto(c1, c_, c2): Conv 3x3 to c_, nearest upsample x2, Conv 3x3, Conv 1x1 to c2 masks. */
export function anchorProto(b: LayerBuilder, name: string, x: number, c1: number, cm: number, c2: number): number {
  let y = b.conv(`${name}.cv1`, x, c1, cm, { k: 3 });
  y = b.add(`${name}.upsample`, 'Upsample', { kind: 'upsample', factor: 2 }, [y]);
  y = b.conv(`${name}.cv2`, y, cm, cm, { k: 3 });
  return b.conv(`${name}.cv3`, y, cm, c2);
}

/**
 * The YOLOv9 repository's DDetect(nc, ch) and DualDDetect(nc, ch) (models/yolo.py): per level a
 * box branch Conv 3x3 to c2, Conv 3x3 (groups 4), Conv2d 1x1 (groups 4) to 64, and a class branch
 * Conv 3x3 to c3 twice, Conv2d 1x1 to nc, c2 = make_divisible(max(ch // 4, 64, 16), 4) and c3 =
 * max(ch, min(2 nc, 128)) from the first input of each set; DualDDetect has a second set (cv4,
 * cv5) on the second half of its inputs, and a DFL for each set.
 */
export function dDetect(
  b: LayerBuilder,
  name: string,
  ins: number[],
  chs: number[],
  nc: number,
  dual: boolean,
): number {
  const nl = dual ? ins.length / 2 : ins.length;
  let last = ins[0]!;
  const set = (offset: number, box: string, cls: string, dfl: string) => {
    const c2 = Math.ceil(Math.max(Math.floor(chs[offset]! / 4), 64, 16) / 4) * 4;
    const c3 = Math.max(chs[offset]!, Math.min(nc * 2, 128));
    const boxes: number[] = [];
    for (let k = 0; k < nl; k++) {
      const x = ins[offset + k]!;
      const c = chs[offset + k]!;
      let y = b.conv(`${name}.${box}.${k}.0`, x, c, c2, { k: 3 });
      y = b.conv(`${name}.${box}.${k}.1`, y, c2, c2, { k: 3, g: 4 });
      boxes.push(b.conv2d(`${name}.${box}.${k}.2`, y, 64, { g: 4 }));
      let z = b.conv(`${name}.${cls}.${k}.0`, x, c, c3, { k: 3 });
      z = b.conv(`${name}.${cls}.${k}.1`, z, c3, c3, { k: 3 });
      last = b.concat(`${name}.${cls}.${k}.cat`, [boxes[k]!, b.conv2d(`${name}.${cls}.${k}.2`, z, nc)]);
    }
    boxes.forEach((box, k) => {
      const v = b.add(`${name}.${dfl}.${k}.view`, 'view', { kind: 'reshape', h: 4, c: 16 }, [box]);
      b.conv2d(`${name}.${dfl}.${k}.conv`, v, 1, { bias: false, shared: k > 0 }, 'DFL');
    });
  };
  set(0, 'cv2', 'cv3', 'dfl');
  if (dual) set(nl, 'cv4', 'cv5', 'dfl2');
  return last;
}

/** Proto(c1, c_, c2): Conv 3x3 to c_, ConvTranspose2d 2x2/2 (bias), Conv 3x3, Conv 1x1 to c2 masks. */
export function proto(b: LayerBuilder, name: string, x: number, c1: number, cm: number, c2: number): number {
  let y = b.conv(`${name}.cv1`, x, c1, cm, { k: 3 });
  y = b.add(
    `${name}.upsample`,
    'ConvTranspose2d',
    {
      kind: 'deconv',
      out: cm,
      kh: 2,
      kw: 2,
      sh: 2,
      sw: 2,
      padding: { kind: 'valid' },
      dh: 1,
      dw: 1,
      groups: 1,
      bias: true,
      fixed: true,
    },
    [y],
  );
  y = b.conv(`${name}.cv2`, y, cm, cm, { k: 3 });
  return b.conv(`${name}.cv3`, y, cm, c2);
}

/** Classify(c1, c2, k, s, p, g): Conv to 1280, global average pool, flatten, dropout, Linear to c2. */
export function classify(
  b: LayerBuilder,
  name: string,
  ins: number[],
  chs: number[],
  c2: number,
  k: number,
  s: number,
  p: number | undefined,
  g: number,
): number {
  const x = ins.length > 1 ? b.concat(`${name}.cat`, ins) : ins[0]!;
  const c1 = chs.reduce((a, c) => a + c, 0);
  let y = b.conv(`${name}.conv`, x, c1, 1280, { k, s, p, g });
  y = b.add(`${name}.pool`, 'AdaptiveAvgPool2d', globalPool('avg'), [y]);
  y = b.add(`${name}.flatten`, 'flatten', { kind: 'flatten' }, [y]);
  y = b.add(`${name}.drop`, 'Dropout', { kind: 'dropout', p: 0 }, [y]);
  return b.add(`${name}.linear`, 'Linear', { kind: 'fc', out: c2, bias: true }, [y]);
}
