#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (CPU, onnxruntime-node from the
// repository's node_modules: scripts/install-deps.sh --bench) and times it.
//
//   node scripts/bench/ort_run.js MODEL.onnx [--shape NAME=1x128 ...] [--threads N]
//       [--warmup 3] [--iterations 20] [--inputs-npy NAME=FILE.npy ...]
//       [--dump-outputs DIR] [--seed 0]
//
// Session: graphOptimizationLevel 'all', intraOpNumThreads N (default: all
// cores), interOpNumThreads 1, executionMode 'sequential', CPU provider.
//
// Inputs: --inputs-npy files as given; otherwise generated with the shape of
// --shape (dims of an input without --shape are taken from the named dims of the
// inputs that have one, e.g. "batch" and "sequence"): integers uniform in
// [0, 100) (deterministic, --seed), except *attention_mask* / *mask* (all ones)
// and *token_type_ids* / *segment* (all zeros, a type vocabulary has 2 entries);
// floats standard normal.
//
// Prints exactly one line on stdout, in llm-run's format:
//   bench: median M ms, min m ms, N iterations, T threads
// (anything else goes to stderr). With --dump-outputs DIR, writes the outputs of
// the last run as DIR/output_K.npy, K in the model's output order.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');

function die(msg) {
  process.stderr.write(`ort_run: ${msg}\n`);
  process.exit(1);
}

function loadOrt() {
  const dir = path.join(REPO, 'node_modules', 'onnxruntime-node');
  try {
    return require(dir);
  } catch (e) {
    // A worktree without its own node_modules can point NODE_PATH at one.
    try {
      return require('onnxruntime-node');
    } catch (_) {
      die(`cannot load ${dir} nor onnxruntime-node from NODE_PATH (run scripts/install-deps.sh --bench): ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------- npy files

// numpy descr <-> ORT tensor type and typed array.
const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<u8': ['uint64', BigUint64Array],
  '<i4': ['int32', Int32Array], '<u4': ['uint32', Uint32Array],
  '<i2': ['int16', Int16Array], '<u2': ['uint16', Uint16Array],
  '|i1': ['int8', Int8Array], '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array],
  '<f2': ['float16', Uint16Array],
};
const DESCR_OF = Object.fromEntries(Object.entries(NPY_TYPES).map(([d, [t]]) => [t, d]));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') die(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) die(`${file}: cannot parse header ${header.trim()}`);
  if (fortran[1] === 'True') die(`${file}: fortran_order arrays are not supported`);
  let d = descr[1];
  if (d === '<b1' || d === '=b1') d = '|b1';
  if (d === '<i1' || d === '<u1') d = '|' + d.slice(1);
  const entry = NPY_TYPES[d];
  if (!entry) die(`${file}: unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const [type, Ctor] = entry;
  const offset = start + headerLen;
  // Copy into an aligned buffer (the data offset need not be a multiple of 8).
  const bytes = new Uint8Array(count * Ctor.BYTES_PER_ELEMENT);
  bytes.set(buf.subarray(offset, offset + bytes.length));
  if (buf.length - offset < bytes.length) die(`${file}: truncated (${dims} of ${d})`);
  return { type, dims, data: new Ctor(bytes.buffer) };
}

function writeNpy(file, type, dims, data) {
  const descr = DESCR_OF[type];
  if (!descr) die(`cannot write ${type} tensors to .npy`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that magic + version + length + header is a multiple of 64, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - 10 - header.length - 1) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const a = { model: null, shapes: {}, npy: {}, threads: os.cpus().length, warmup: 3,
              iterations: 20, dump: null, seed: 0 };
  const value = (i) => {
    if (i + 1 >= argv.length) die(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  const pair = (s, flag) => {
    const eq = s.indexOf('=');
    if (eq <= 0) die(`${flag} expects NAME=VALUE, got '${s}'`);
    return [s.slice(0, eq), s.slice(eq + 1)];
  };
  const int = (s, flag) => {
    if (!/^\d+$/.test(s)) die(`${flag} expects a non-negative integer, got '${s}'`);
    return Number(s);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let m;
    if ((m = /^(--[\w-]+)=(.*)$/.exec(arg))) { argv.splice(i, 1, m[1], m[2]); }
    switch (argv[i]) {
      case '--shape': {
        const [n, s] = pair(value(i), '--shape');
        if (!/^\d+(x\d+)*$/.test(s)) die(`--shape ${n}: expected dims like 1x128, got '${s}'`);
        a.shapes[n] = s.split('x').map(Number);
        i++;
        break;
      }
      case '--inputs-npy': case '--inputs': {
        const [n, f] = pair(value(i), argv[i]);
        a.npy[n] = f;
        i++;
        break;
      }
      case '--threads': a.threads = int(value(i), '--threads'); i++; break;
      case '--warmup': a.warmup = int(value(i), '--warmup'); i++; break;
      case '--iterations': a.iterations = int(value(i), '--iterations'); i++; break;
      case '--seed': a.seed = int(value(i), '--seed'); i++; break;
      case '--dump-outputs': a.dump = value(i); i++; break;
      case '-h': case '--help':
        process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n')
          .slice(1).filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
        process.exit(0);
        break;
      default:
        if (argv[i].startsWith('-')) die(`unknown option ${argv[i]}`);
        if (a.model) die(`more than one model given: ${a.model}, ${argv[i]}`);
        a.model = argv[i];
    }
  }
  if (!a.model) die('usage: ort_run.js MODEL.onnx [--shape NAME=1x128 ...] [--threads N] ' +
                    '[--warmup W] [--iterations N] [--inputs-npy NAME=FILE.npy ...] [--dump-outputs DIR]');
  if (a.iterations < 1) die('--iterations must be at least 1');
  if (a.threads < 1) die('--threads must be at least 1');
  return a;
}

// ---------------------------------------------------------------- inputs

// mulberry32: a small deterministic PRNG.
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPED = {
  int64: BigInt64Array, uint64: BigUint64Array, int32: Int32Array, uint32: Uint32Array,
  int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
  bool: Uint8Array, float32: Float32Array, float64: Float64Array,
};

function makeInput(ort, name, type, dims, rand) {
  const Ctor = TYPED[type];
  if (!Ctor) die(`input ${name}: cannot generate values of type ${type} (pass --inputs-npy)`);
  const n = dims.reduce((x, y) => x * y, 1);
  const data = new Ctor(n);
  const lower = name.toLowerCase();
  const big = type === 'int64' || type === 'uint64';
  const isFloat = type.startsWith('float');
  let fill = null;
  if (/mask/.test(lower)) fill = 1;
  else if (/token_type|segment/.test(lower)) fill = 0;
  for (let i = 0; i < n; i++) {
    let v;
    if (fill !== null) v = fill;
    else if (isFloat) {
      // Box-Muller
      const u = Math.max(rand(), 1e-12);
      v = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    } else if (type === 'bool') v = rand() < 0.5 ? 0 : 1;
    else v = Math.floor(rand() * 100);
    data[i] = big ? BigInt(v) : v;
  }
  return new ort.Tensor(type, data, dims);
}

function resolveShapes(meta, args) {
  // Bind named dims from the inputs that have an explicit shape or .npy file.
  const bound = {};
  const known = {};
  for (const m of meta) {
    const dims = args.shapes[m.name] || (args.npyTensors[m.name] && args.npyTensors[m.name].dims);
    if (!dims) continue;
    known[m.name] = dims;
    if (!m.shape) continue;
    if (m.shape.length !== dims.length) die(`input ${m.name} has rank ${m.shape.length}, got shape ${dims.join('x')}`);
    m.shape.forEach((d, i) => {
      if (typeof d === 'number' && d >= 0 && d !== dims[i])
        die(`input ${m.name}: dim ${i} is ${d}, got ${dims[i]}`);
      if (typeof d === 'string' && d.length) {
        if (d in bound && bound[d] !== dims[i]) die(`dim '${d}' is ${bound[d]} and ${dims[i]}`);
        bound[d] = dims[i];
      }
    });
  }
  const shapes = {};
  for (const m of meta) {
    if (known[m.name]) { shapes[m.name] = known[m.name]; continue; }
    if (!m.shape) die(`input ${m.name}: no shape known, pass --shape ${m.name}=...`);
    shapes[m.name] = m.shape.map((d, i) => {
      if (typeof d === 'number' && d >= 0) return d;
      if (typeof d === 'string' && d in bound) return bound[d];
      die(`input ${m.name}: dim ${i} (${d || '?'}) is dynamic, pass --shape ${m.name}=...`);
    });
  }
  return shapes;
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const session = await ort.InferenceSession.create(args.model, options);

  for (const n of [...Object.keys(args.shapes), ...Object.keys(args.npy)])
    if (!session.inputNames.includes(n)) die(`the model has no input '${n}' (inputs: ${session.inputNames.join(', ')})`);

  args.npyTensors = {};
  for (const [n, f] of Object.entries(args.npy)) args.npyTensors[n] = readNpy(f);

  // inputMetadata exists in onnxruntime-node >= 1.21; without it every input needs a shape.
  const meta = session.inputMetadata && session.inputMetadata.length === session.inputNames.length
    ? session.inputMetadata
    : session.inputNames.map((name) => ({ name, type: 'int64', shape: null }));
  const shapes = resolveShapes(meta, args);

  const rand = prng(args.seed);
  const feeds = {};
  for (const m of meta) {
    const t = args.npyTensors[m.name];
    if (t) {
      if (m.type && t.type !== m.type) die(`${args.npy[m.name]}: ${t.type} data for ${m.type} input ${m.name}`);
      feeds[m.name] = new ort.Tensor(t.type, t.data, t.dims);
    } else {
      feeds[m.name] = makeInput(ort, m.name, m.type, shapes[m.name], rand);
    }
  }
  process.stderr.write(`ort_run: onnxruntime-node ${ort.env.versions.node || '?'}, ` +
    meta.map((m) => `${m.name}=${shapes[m.name].join('x')}`).join(' ') + '\n');

  for (let i = 0; i < args.warmup; i++) await session.run(feeds);
  const times = [];
  let results = null;
  for (let i = 0; i < args.iterations; i++) {
    const t0 = process.hrtime.bigint();
    results = await session.run(feeds);
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1e6);
  }
  times.sort((x, y) => x - y);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;

  if (args.dump) {
    fs.mkdirSync(args.dump, { recursive: true });
    session.outputNames.forEach((n, k) => {
      const t = results[n];
      writeNpy(path.join(args.dump, `output_${k}.npy`), t.type, t.dims, t.data);
    });
  }
  process.stdout.write(`bench: median ${median.toFixed(3)} ms, min ${times[0].toFixed(3)} ms, ` +
    `${args.iterations} iterations, ${args.threads} threads\n`);
  if (session.release) await session.release();
}

main().catch((e) => die(e && e.stack ? e.stack : String(e)));
