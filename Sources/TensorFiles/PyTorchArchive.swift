import Foundation

/// One tensor read from a weight file: contiguous, row-major, little-endian bytes.
public struct RawTensor: Sendable, Equatable {
    public let name: String
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    /// `elementCount * dtype.byteSize` bytes, contiguous, row-major, little-endian (index 0 based).
    public let bytes: Data

    public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: Data) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Reads the state dicts written by Python's `torch.save(model.state_dict(), path)` (the zip format
/// of PyTorch ≥ 1.6, e.g. torchvision's `resnet34-b627a593.pth`) in pure Swift, without Python or
/// libtorch. Nothing in the pickle is ever imported or executed.
///
/// What is returned:
/// - The root of the pickle must be a dict (usually an `OrderedDict`). Its tensor-valued entries
///   (tensors and `nn.Parameter`s) are returned in insertion order, i.e. state-dict order.
/// - If the root holds no tensors but exactly one dict-valued entry named `state_dict` or `model`
///   (a training checkpoint such as `{"state_dict": {...}, "epoch": 3}`), that dict is used instead.
///   Nested dicts are never flattened; other entries of the root are ignored.
/// - Non-tensor values inside the chosen dict (numbers, strings, nested dicts...) are skipped; an
///   instance of an arbitrary Python class (e.g. a whole pickled `nn.Module`) is an error naming its class.
///
/// Strided views (transposes, slices with a storage offset, channels-last weights, expanded tensors,
/// several tensors sharing one storage) are materialised contiguously after checking that every element
/// they address lies inside their storage; the total output is capped at 8× the file size (at least
/// 1 GiB), so views that repeat elements cannot exhaust memory. Archives marked big-endian (`byteorder`)
/// are converted.
/// Every entry read is CRC-checked; a truncated, corrupt or hostile file throws `TensorFileError`.
public enum PyTorchArchive {
    /// Reads all tensors of the state dict in `url`, in state-dict order (memory-mapped when possible).
    public static func read(contentsOf url: URL) throws -> [RawTensor] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw TensorFileError(file: url.path, reason: exists ? "cannot be read" : "no such file")
        }
        return try read(data: data, name: url.path)
    }

    /// Reads a `torch.save` archive held in memory; `name` is used in error messages.
    public static func read(data: Data, name: String = "<memory>") throws -> [RawTensor] {
        func fail(_ reason: String) -> TensorFileError { TensorFileError(file: name, reason: reason) }
        try rejectKnownNonZipFormats(data, fail: fail)
        let zip = try ZipArchive(data: data, fileName: name)

        // The pickle is `<archive>/data.pkl` for a single top-level folder of any name.
        let pickles = zip.entries.filter { entry in
            let parts = entry.name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1] == "data.pkl"
        }
        guard let pickleEntry = pickles.first else {
            throw fail("not a PyTorch checkpoint (ZIP archive without <archive>/data.pkl)")
        }
        guard pickles.count == 1 else {
            throw fail("ambiguous PyTorch archive (\(pickles.count) top-level folders hold a data.pkl)")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if zip.entry(named: prefix + "constants.pkl") != nil || zip.entries.contains(where: { $0.name.hasPrefix(prefix + "code/") }) {
            throw fail("is a TorchScript archive (torch.jit.save), not a state dict; save model.state_dict() with torch.save instead")
        }
        var bigEndian = false
        if let orderEntry = zip.entry(named: prefix + "byteorder") {
            let order = String(decoding: try zip.contents(of: orderEntry), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            switch order {
            case "little": bigEndian = false
            case "big": bigEndian = true
            default: throw fail("unknown byte order '\(order.prefix(20))' in \(orderEntry.name)")
            }
        }

        let pickleBytes = [UInt8](try zip.contents(of: pickleEntry))
        let machine = PickleMachine(bytes: pickleBytes) { reason in
            TensorFileError(file: name, reason: "\(pickleEntry.name): \(reason)")
        }
        let root = try machine.run(resolver: TorchResolver())
        let dict = try stateDict(in: root, machine: machine, fail: fail)

        // Views may repeat storage elements (stride 0, one tensor under many keys): bound the output so a
        // tiny hostile file cannot demand terabytes.
        let scaled = maxOutputRatio.multipliedReportingOverflow(by: data.count)
        let budget = max(scaled.overflow ? Int.max : scaled.partialValue, minOutputBudget)
        var produced = 0
        var storages: [String: Data] = [:]
        var tensors: [RawTensor] = []
        for (key, value) in machine.entries(of: dict) {
            switch value {
            case .tensor(let ref):
                guard case .string(let tensorName) = key else {
                    throw fail("a tensor is stored under a \(machine.kind(key)) key, not a string; not a state dict")
                }
                guard let dtype = ref.storage.dtype else {
                    throw fail("tensor '\(tensorName)' has unsupported element type \(ref.storage.typeName)")
                }
                let storage: Data
                if let cached = storages[ref.storage.key] {
                    storage = cached
                } else {
                    guard let entry = zip.entry(named: prefix + "data/" + ref.storage.key) else {
                        throw fail("tensor '\(tensorName)' refers to missing storage \(prefix)data/\(ref.storage.key)")
                    }
                    storage = try zip.contents(of: entry)
                    storages[ref.storage.key] = storage
                }
                let (needed, overflow) = ref.storage.elementCount.multipliedReportingOverflow(by: dtype.byteSize)
                guard !overflow, needed <= storage.count else {
                    throw fail(
                        "truncated storage \(prefix)data/\(ref.storage.key): \(storage.count) bytes for \(ref.storage.elementCount) elements of "
                            + "\(dtype.rawValue) (tensor '\(tensorName)')"
                    )
                }
                let size = ref.shape.reduce(1, *) * dtype.byteSize  // overflow-checked when the view was built
                let total = produced.addingReportingOverflow(size)
                produced = total.overflow ? Int.max : total.partialValue
                guard produced <= budget else {
                    throw fail(
                        "tensor '\(tensorName)' would bring the output to \(produced) bytes, more than \(budget) for a \(data.count)-byte file (views "
                            + "repeating storage elements); refusing"
                    )
                }
                let bytes = materialize(ref, itemSize: dtype.byteSize, storage: storage, swapBytes: bigEndian)
                tensors.append(RawTensor(name: tensorName, dtype: dtype, shape: ref.shape, bytes: bytes))
            case .object(let className):
                throw fail("entry \(describeKey(key)) is a pickled object of class \(className); save model.state_dict() instead")
            default:
                continue
            }
        }
        return tensors
    }

    /// The output may be up to this many times the file size (tied weights, expanded views)...
    static let maxOutputRatio = 8
    /// ...or this many bytes, whichever is larger.
    static let minOutputBudget = 1 << 30

    // MARK: - Choosing the state dict

    private static func stateDict(in root: PickleValue, machine: PickleMachine,
                                  fail: (String) -> TensorFileError) throws -> Int {
        switch root {
        case .dict(let d):
            let entries = machine.entries(of: d)
            if entries.isEmpty || entries.contains(where: { if case .tensor = $0.value { return true } else { return false } }) {
                return d
            }
            let nested = entries.compactMap { entry -> Int? in
                guard case .string(let k) = entry.key, k == "state_dict" || k == "model", case .dict(let inner) = entry.value else { return nil }
                return inner
            }
            if nested.count == 1 { return nested[0] }
            if nested.count > 1 { throw fail("ambiguous checkpoint: both 'state_dict' and 'model' hold dicts") }
            if let object = entries.first(where: { if case .object = $0.value { return true } else { return false } }),
               case .object(let className) = object.value {
                throw fail("contains a pickled object of class \(className) (entry \(describeKey(object.key))); save model.state_dict() instead")
            }
            let keys = entries.prefix(10).map { describeKey($0.key) }.joined(separator: ", ")
            throw fail("no tensors at the top level and no 'state_dict' or 'model' dict (keys: \(keys)\(entries.count > 10 ? ", ..." : ""))")
        case .object(let className):
            throw fail("contains a pickled object of class \(className); save model.state_dict() instead")
        default:
            throw fail("contains a \(machine.kind(root)), not a state dict")
        }
    }

    private static func describeKey(_ key: PickleValue) -> String {
        switch key {
        case .string(let s): return "'\(s)'"
        case .int(let n): return "\(n)"
        default: return "<key>"
        }
    }

    // MARK: - Formats that are not a torch.save zip

    private static func rejectKnownNonZipFormats(_ data: Data, fail: (String) -> TensorFileError) throws {
        let head = [UInt8](data.prefix(16))
        guard !head.isEmpty else { throw fail("empty file, not a PyTorch checkpoint") }
        guard head.count < 2 || head[0] != 0x50 || head[1] != 0x4B else { return }  // "PK": a zip
        // The legacy format (torch.save before 1.6, or _use_new_zipfile_serialization=False) starts with
        // a pickled magic number 0x1950a86a20f9469cfc6c.
        let legacyMagic: [UInt8] = [0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
        if head.count >= 14, head[0] == 0x80, Array(head[2..<14]) == legacyMagic {
            throw fail("uses the legacy (pre-1.6, non-zip) torch.save format, which is not supported; re-save it with a recent PyTorch")
        }
        if head[0] == 0x80, head.count >= 2, head[1] <= 5 {
            throw fail("is a bare pickle, not a torch.save archive")
        }
    }

    // MARK: - Materialising strided views

    /// Copies the elements addressed by `ref` (bounds already validated) into a contiguous buffer.
    private static func materialize(_ ref: TorchTensorRef, itemSize: Int, storage: Data, swapBytes: Bool) -> Data {
        let count = ref.shape.reduce(1, *)
        var out = Data(count: count * itemSize)
        guard count > 0 else { return out }

        // Drop unit dimensions and merge dimensions that are contiguous with the next one.
        var dims: [(size: Int, stride: Int)] = []
        for (size, stride) in zip(ref.shape, ref.strides) where size != 1 {
            if let last = dims.last, last.stride == stride * size {
                dims[dims.count - 1] = (last.size * size, stride)
            } else {
                dims.append((size, stride))
            }
        }
        let inner = dims.popLast() ?? (size: 1, stride: 1)
        let outerTotal = dims.reduce(1) { $0 * $1.size }

        storage.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                guard let source = src.baseAddress, let target = dst.baseAddress else { return }
                var counter = [Int](repeating: 0, count: dims.count)
                var element = ref.storageOffset
                var written = 0
                for _ in 0..<outerTotal {
                    if inner.stride == 1 {
                        let n = inner.size * itemSize
                        (target + written).copyMemory(from: source + element * itemSize, byteCount: n)
                        written += n
                    } else {
                        var e = element
                        for _ in 0..<inner.size {
                            (target + written).copyMemory(from: source + e * itemSize, byteCount: itemSize)
                            written += itemSize
                            e += inner.stride
                        }
                    }
                    var d = dims.count - 1
                    while d >= 0 {
                        counter[d] += 1
                        element += dims[d].stride
                        if counter[d] < dims[d].size { break }
                        element -= dims[d].stride * dims[d].size
                        counter[d] = 0
                        d -= 1
                    }
                }
                if swapBytes && itemSize > 1 {
                    let p = target.assumingMemoryBound(to: UInt8.self)
                    for base in stride(from: 0, to: count * itemSize, by: itemSize) {
                        var i = base, j = base + itemSize - 1
                        while i < j { (p[i], p[j]) = (p[j], p[i]); i += 1; j -= 1 }
                    }
                }
            }
        }
        return out
    }
}

// MARK: - PyTorch's globals and persistent ids

/// Models the few callables a state-dict pickle uses; everything else becomes an opaque object.
private struct TorchResolver: PickleResolver {
    static let storageTypes: [String: SafeTensorsDType] = [
        "FloatStorage": .f32, "DoubleStorage": .f64, "HalfStorage": .f16, "BFloat16Storage": .bf16,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
        "ByteStorage": .u8, "BoolStorage": .bool,
    ]

    /// `('storage', torch.FloatStorage, key, location, numel)`: the zip entry `data/<key>`.
    func persistentLoad(_ pid: PickleValue, machine: PickleMachine) throws -> PickleValue {
        guard case .tuple = pid, let items = machine.items(of: pid), items.count >= 5, case .string("storage") = items[0] else {
            throw machine.fail("unsupported persistent id (a \(machine.kind(pid)), expected ('storage', type, key, location, numel))")
        }
        guard case .global(let module, let typeName) = items[1] else {
            throw machine.fail("persistent id has a \(machine.kind(items[1])) as storage type")
        }
        guard case .string(let key) = items[2], !key.isEmpty, !key.contains("/") else {
            throw machine.fail("persistent id has an invalid storage key")
        }
        guard case .int(let numel) = items[4], numel >= 0 else {
            throw machine.fail("persistent id for storage '\(key)' has an invalid element count")
        }
        let known = module == "torch" || module == "torch.cuda"
        return .storage(TorchStorageRef(key: key, dtype: known ? Self.storageTypes[typeName] : nil,
                                        typeName: "\(module).\(typeName)", elementCount: numel))
    }

    func call(module: String, name: String, args: [PickleValue], machine: PickleMachine) throws -> PickleValue? {
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"), ("__builtin__", "dict"):
            let dict = machine.newDict()
            if case .dict(let d) = dict, let source = args.first, let pairs = machine.items(of: source) {
                for pair in pairs {
                    guard let kv = machine.items(of: pair), kv.count == 2 else { throw machine.fail("\(name) expects (key, value) pairs") }
                    machine.setItem(d, key: kv[0], value: kv[1])
                }
            }
            return dict
        case ("builtins", "set"), ("__builtin__", "set"), ("builtins", "frozenset"), ("__builtin__", "frozenset"):
            let items = args.first.flatMap { machine.items(of: $0) } ?? []
            return .set(machine.makeContainer(.set, items: items))
        case ("_codecs", "encode"):
            // How protocol 2 pickles `bytes`: _codecs.encode(text, 'latin1').
            guard case .string(let text)? = args.first else { return .bytes([]) }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case ("torch", "Size"):
            return .tuple(machine.makeContainer(.tuple, items: args.first.flatMap { machine.items(of: $0) } ?? []))
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
            guard args.count >= 4 else { throw machine.fail("\(name) called with \(args.count) arguments") }
            return try rebuildTensor(args, machine: machine)
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            // (tensor, requires_grad, backward_hooks[, state])
            guard let data = args.first, case .tensor = data else {
                throw machine.fail("\(name) expects a tensor, got \(args.first.map(machine.kind) ?? "no arguments")")
            }
            return data
        case ("torch._tensor", "_rebuild_from_type_v2"):
            // (func, new_type, args, state): a tensor or parameter rebuilt by func(*args).
            guard args.count >= 3, case .global(let m, let n) = args[0], n != "_rebuild_from_type_v2",
                  case .tuple = args[2], let inner = machine.items(of: args[2]) else {
                throw machine.fail("_rebuild_from_type_v2 called with unexpected arguments")
            }
            if case .global(let tm, let tn) = args[1], !(tm == "torch" && tn == "Tensor"), !(tm == "torch.nn.parameter" && tn == "Parameter") {
                return .object(className: "\(tm).\(tn)")
            }
            return try call(module: m, name: n, args: inner, machine: machine) ?? .object(className: "\(m).\(n)")
        default:
            return nil
        }
    }

    private func rebuildTensor(_ args: [PickleValue], machine: PickleMachine) throws -> PickleValue {
        guard case .storage(let storage) = args[0] else {
            throw machine.fail("_rebuild_tensor_v2 expects a storage, got a \(machine.kind(args[0]))")
        }
        guard case .int(let offset) = args[1], offset >= 0 else { throw machine.fail("tensor has an invalid storage offset") }
        func ints(_ value: PickleValue, _ what: String) throws -> [Int] {
            guard let items = machine.items(of: value) else { throw machine.fail("tensor \(what) is a \(machine.kind(value)), not a tuple") }
            return try items.map { item in
                guard case .int(let n) = item, n >= 0 else { throw machine.fail("tensor \(what) holds an invalid value") }
                return n
            }
        }
        let shape = try ints(args[2], "size")
        let strides = try ints(args[3], "stride")
        guard shape.count == strides.count else {
            throw machine.fail("tensor size \(shape) and stride \(strides) differ in rank")
        }
        let itemSize = storage.dtype?.byteSize ?? 1
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { throw machine.fail("tensor size \(shape) is too large") }
            count = product
        }
        guard !count.multipliedReportingOverflow(by: itemSize).overflow else { throw machine.fail("tensor size \(shape) is too large") }
        if count > 0 {
            // The last element addressed must lie inside the storage.
            var last = offset
            for (n, s) in zip(shape, strides) {
                let (span, o1) = (n - 1).multipliedReportingOverflow(by: s)
                let (sum, o2) = last.addingReportingOverflow(span)
                guard !o1, !o2 else { throw machine.fail("tensor view (offset \(offset), size \(shape), stride \(strides)) is too large") }
                last = sum
            }
            guard last < storage.elementCount else {
                throw machine.fail(
                    "tensor view (offset \(offset), size \(shape), stride \(strides)) reaches element \(last) of a \(storage.elementCount)-element storage "
                        + "'\(storage.key)'"
                )
            }
        }
        return .tensor(TorchTensorRef(storage: storage, storageOffset: offset, shape: shape, strides: strides))
    }
}
