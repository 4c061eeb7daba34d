import Foundation

/// A value on the stack of the pickle machine.
///
/// Containers (tuples, lists, dicts, sets) are not nested values but indices into the machine's arena,
/// so a hostile pickle with millions of nested tuples cannot overflow the call stack when the values are
/// destroyed, and shared or self-referencing containers need no reference counting cycles.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer that does not fit 64 bits (its value is not kept).
    case bigInt
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(Int)
    case list(Int)
    case dict(Int)
    case set(Int)
    /// A reference to `module.name` (a class or function), never resolved or executed.
    case global(module: String, name: String)
    /// The result of calling or instantiating something the resolver does not model.
    case object(className: String)
    /// A storage from a persistent id (PyTorch-specific).
    case storage(TorchStorageRef)
    /// A tensor built by `torch._utils._rebuild_tensor_v2` & co. (PyTorch-specific, data not loaded).
    case tensor(TorchTensorRef)
}

/// A storage referenced by a PyTorch persistent id: the zip entry `data/<key>`.
struct TorchStorageRef: Sendable {
    let key: String
    /// `nil` for element types TensorFiles cannot represent (complex, quantized, untyped...).
    let dtype: SafeTensorsDType?
    let typeName: String
    let elementCount: Int
}

/// A (possibly strided) view of a storage.
struct TorchTensorRef: Sendable {
    let storage: TorchStorageRef
    let storageOffset: Int
    let shape: [Int]
    let strides: [Int]
}

/// Interprets the globals and persistent ids of a pickle. Nothing is ever imported or executed.
protocol PickleResolver {
    /// The object for a persistent id (BINPERSID / PERSID).
    func persistentLoad(_ pid: PickleValue, machine: PickleMachine) throws -> PickleValue
    /// The result of calling `module.name(*args)` (REDUCE, NEWOBJ, OBJ, INST), or `nil` to make it an
    /// opaque `.object` named after the callable.
    func call(module: String, name: String, args: [PickleValue], machine: PickleMachine) throws -> PickleValue?
}

/// A minimal pickle virtual machine (protocols 0-5, binary opcodes plus the simple text ones), written
/// for the pickles `torch.save` produces. Every read is bounds-checked; malformed input throws.
final class PickleMachine {
    struct Container {
        enum Kind { case tuple, list, dict, set }
        let kind: Kind
        /// Tuple/list/set items, or dict values.
        var items: [PickleValue] = []
        /// Dict keys (parallel to `items`).
        var keys: [PickleValue] = []
        /// Dict key lookup for hashable keys (strings, numbers, tuples of those).
        var index: [PickleKey: Int] = [:]
    }

    enum PickleKey: Hashable {
        case none, bool(Bool), int(Int), float(Double), string(String), bytes([UInt8]), global(String, String)
        case tuple([PickleKey])
    }

    private(set) var containers: [Container] = []
    private let bytes: [UInt8]
    private let failure: (String) -> TensorFileError

    init(bytes: [UInt8], fail: @escaping (String) -> TensorFileError) {
        self.bytes = bytes
        self.failure = fail
    }

    func fail(_ reason: String) -> TensorFileError { failure(reason) }

    // MARK: Containers

    func makeContainer(_ kind: Container.Kind, items: [PickleValue] = []) -> Int {
        containers.append(Container(kind: kind, items: items))
        return containers.count - 1
    }

    func newDict() -> PickleValue { .dict(makeContainer(.dict)) }

    func items(of value: PickleValue) -> [PickleValue]? {
        switch value {
        case .tuple(let i), .list(let i), .set(let i): return containers[i].items
        default: return nil
        }
    }

    /// Dict entries in insertion order.
    func entries(of dict: Int) -> [(key: PickleValue, value: PickleValue)] {
        Array(zip(containers[dict].keys, containers[dict].items)).map { (key: $0.0, value: $0.1) }
    }

    func setItem(_ dict: Int, key: PickleValue, value: PickleValue) {
        if let hashKey = hashKey(key, depth: 0) {
            if let existing = containers[dict].index[hashKey] {
                containers[dict].items[existing] = value  // Python keeps the first insertion position.
                return
            }
            containers[dict].index[hashKey] = containers[dict].keys.count
        }
        containers[dict].keys.append(key)
        containers[dict].items.append(value)
    }

    private func hashKey(_ value: PickleValue, depth: Int) -> PickleKey? {
        switch value {
        case .none: return PickleKey.none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .global(let m, let n): return .global(m, n)
        case .tuple(let i):
            guard depth < 16 else { return nil }
            var keys: [PickleKey] = []
            for item in containers[i].items {
                guard let k = hashKey(item, depth: depth + 1) else { return nil }
                keys.append(k)
            }
            return .tuple(keys)
        default: return nil
        }
    }

    /// A short human description of a value's type, for error messages.
    func kind(_ value: PickleValue) -> String {
        switch value {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .set: return "set"
        case .global(let m, let n): return "reference to \(m).\(n)"
        case .object(let c): return "object of class \(c)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }

    // MARK: Running

    /// Runs the pickle to its STOP opcode and returns the unpickled root value.
    func run(resolver: some PickleResolver) throws -> PickleValue {
        var stack: [PickleValue] = []
        var metastack: [[PickleValue]] = []
        var memo: [Int: PickleValue] = [:]
        var pos = 0
        var opcodeStart = 0
        let count = bytes.count

        func fail(_ reason: String) -> TensorFileError {
            failure("corrupt or unsupported pickle: \(reason) (opcode 0x\(String(bytes[opcodeStart], radix: 16)) at byte \(opcodeStart))")
        }
        func take(_ n: Int) throws -> Range<Int> {
            guard n >= 0, n <= count - pos else { throw failure("corrupt pickle: truncated at byte \(pos) (needs \(n) more bytes)") }
            defer { pos += n }
            return pos..<(pos + n)
        }
        func u8() throws -> Int { Int(bytes[try take(1).lowerBound]) }
        func uint(_ n: Int) throws -> UInt64 {
            let r = try take(n)
            var value: UInt64 = 0
            for (i, b) in bytes[r].enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
            return value
        }
        func length(_ n: Int) throws -> Int {
            let v = try uint(n)
            guard v <= UInt64(count - pos) else { throw failure("corrupt pickle: truncated at byte \(pos) (needs \(v) more bytes)") }
            return Int(v)
        }
        func line() throws -> String {
            guard let end = bytes[pos...].firstIndex(of: 0x0A) else { throw failure("corrupt pickle: truncated at byte \(pos) (unterminated line)") }
            defer { pos = end + 1 }
            var slice = bytes[pos..<end]
            if slice.last == 0x0D { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        func text(_ n: Int) throws -> String { String(decoding: bytes[try take(n)], as: UTF8.self) }
        func pop() throws -> PickleValue {
            guard let v = stack.popLast() else { throw fail("stack underflow") }
            return v
        }
        func top() throws -> PickleValue {
            guard let v = stack.last else { throw fail("stack underflow") }
            return v
        }
        func popMark() throws -> [PickleValue] {
            guard let previous = metastack.popLast() else { throw fail("no MARK on the stack") }
            defer { stack = previous }
            return stack
        }
        func tupleArgs(_ v: PickleValue) throws -> [PickleValue] {
            guard case .tuple(let i) = v else { throw fail("arguments are a \(kind(v)), not a tuple") }
            return containers[i].items
        }
        func call(_ callable: PickleValue, _ args: [PickleValue]) throws -> PickleValue {
            switch callable {
            case .global(let module, let name):
                return try resolver.call(module: module, name: name, args: args, machine: self) ?? .object(className: "\(module).\(name)")
            case .object(let c):
                return .object(className: c)
            default:
                throw fail("cannot call a \(kind(callable))")
            }
        }
        func integer(_ s: String) throws -> PickleValue {
            var t = Substring(s)
            if t.hasSuffix("L") { t = t.dropLast() }
            if let n = Int(t) { return .int(n) }
            guard !t.isEmpty, t.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber) else { throw fail("invalid integer literal") }
            return .bigInt
        }
        func long(_ r: Range<Int>) -> PickleValue {
            let b = bytes[r]
            guard let last = b.last else { return .int(0) }
            let negative = last & 0x80 != 0
            if b.count > 8 {
                let fill: UInt8 = negative ? 0xFF : 0x00
                let head = b.prefix(8)
                guard b.dropFirst(8).allSatisfy({ $0 == fill }), (head.last! & 0x80 != 0) == negative else { return .bigInt }
                return long(r.lowerBound..<(r.lowerBound + 8))
            }
            var value: UInt64 = negative ? ~0 : 0
            for (i, byte) in b.enumerated() {
                value &= ~(UInt64(0xFF) << (8 * UInt64(i)))
                value |= UInt64(byte) << (8 * UInt64(i))
            }
            return .int(Int(bitPattern: UInt(value)))
        }

        while pos < count {
            opcodeStart = pos
            let op = bytes[pos]
            pos += 1
            switch op {
            case 0x80:  // PROTO
                let version = try u8()
                guard version <= 5 else { throw fail("unsupported pickle protocol \(version)") }
            case 0x95:  // FRAME
                _ = try uint(8)
            case 0x2E:  // STOP
                return try pop()
            case 0x28:  // MARK
                metastack.append(stack)
                stack = []
            case 0x30:  // POP
                if stack.isEmpty { _ = try popMark() } else { _ = try pop() }
            case 0x31:  // POP_MARK
                _ = try popMark()
            case 0x32:  // DUP
                stack.append(try top())
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4A:  // BININT
                stack.append(.int(Int(Int32(bitPattern: UInt32(try uint(4))))))
            case 0x4B:  // BININT1
                stack.append(.int(try u8()))
            case 0x4D:  // BININT2
                stack.append(.int(Int(try uint(2))))
            case 0x8A:  // LONG1
                stack.append(long(try take(try u8())))
            case 0x8B:  // LONG4
                let n = Int32(bitPattern: UInt32(try uint(4)))
                guard n >= 0 else { throw fail("negative LONG4 length") }
                stack.append(long(try take(Int(n))))
            case 0x49:  // INT (text; "00"/"01" are False/True)
                let s = try line()
                if s == "00" { stack.append(.bool(false)) } else if s == "01" { stack.append(.bool(true)) } else { stack.append(try integer(s)) }
            case 0x4C:  // LONG (text)
                stack.append(try integer(try line()))
            case 0x46:  // FLOAT (text)
                guard let d = Double(try line()) else { throw fail("invalid float literal") }
                stack.append(.float(d))
            case 0x47:  // BINFLOAT (big-endian)
                let r = try take(8)
                var bits: UInt64 = 0
                for b in bytes[r] { bits = bits << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: bits)))
            case 0x58:  // BINUNICODE
                stack.append(.string(try text(try length(4))))
            case 0x8C:  // SHORT_BINUNICODE
                stack.append(.string(try text(try u8())))
            case 0x8D:  // BINUNICODE8
                stack.append(.string(try text(try length(8))))
            case 0x54:  // BINSTRING (Python 2 str)
                let n = Int32(bitPattern: UInt32(try uint(4)))
                guard n >= 0 else { throw fail("negative BINSTRING length") }
                stack.append(.string(try text(Int(n))))
            case 0x55:  // SHORT_BINSTRING
                stack.append(.string(try text(try u8())))
            case 0x42:  // BINBYTES
                stack.append(.bytes(Array(bytes[try take(try length(4))])))
            case 0x43:  // SHORT_BINBYTES
                stack.append(.bytes(Array(bytes[try take(try u8())])))
            case 0x8E, 0x96:  // BINBYTES8, BYTEARRAY8
                stack.append(.bytes(Array(bytes[try take(try length(8))])))
            case 0x29:  // EMPTY_TUPLE
                stack.append(.tuple(makeContainer(.tuple)))
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let n = Int(op - 0x84)
                guard stack.count >= n else { throw fail("stack underflow") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(makeContainer(.tuple, items: items)))
            case 0x74:  // TUPLE
                let items = try popMark()
                stack.append(.tuple(makeContainer(.tuple, items: items)))
            case 0x5D:  // EMPTY_LIST
                stack.append(.list(makeContainer(.list)))
            case 0x6C:  // LIST
                let items = try popMark()
                stack.append(.list(makeContainer(.list, items: items)))
            case 0x7D:  // EMPTY_DICT
                stack.append(newDict())
            case 0x64:  // DICT
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("odd number of items for a dict") }
                let value = newDict()
                guard case .dict(let d) = value else { throw fail("internal error") }
                for i in stride(from: 0, to: items.count, by: 2) { setItem(d, key: items[i], value: items[i + 1]) }
                stack.append(value)
            case 0x8F:  // EMPTY_SET
                stack.append(.set(makeContainer(.set)))
            case 0x91:  // FROZENSET
                let items = try popMark()
                stack.append(.set(makeContainer(.set, items: items)))
            case 0x61:  // APPEND
                let value = try pop()
                switch try top() {
                case .list(let l): containers[l].items.append(value)
                case .object: break  // a list subclass we do not model
                case let other: throw fail("APPEND to a \(kind(other))")
                }
            case 0x65:  // APPENDS
                let values = try popMark()
                switch try top() {
                case .list(let l): containers[l].items.append(contentsOf: values)
                case .object: break
                case let other: throw fail("APPENDS to a \(kind(other))")
                }
            case 0x90:  // ADDITEMS
                let values = try popMark()
                switch try top() {
                case .set(let s): containers[s].items.append(contentsOf: values)
                case .object: break
                case let other: throw fail("ADDITEMS to a \(kind(other))")
                }
            case 0x73:  // SETITEM
                let value = try pop()
                let key = try pop()
                switch try top() {
                case .dict(let d): setItem(d, key: key, value: value)
                case .object: break  // a dict subclass we do not model
                case let other: throw fail("SETITEM on a \(kind(other))")
                }
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("odd number of items for SETITEMS") }
                switch try top() {
                case .dict(let d):
                    for i in stride(from: 0, to: items.count, by: 2) { setItem(d, key: items[i], value: items[i + 1]) }
                case .object: break
                case let other: throw fail("SETITEMS on a \(kind(other))")
                }
            case 0x71:  // BINPUT
                memo[try u8()] = try top()
            case 0x72:  // LONG_BINPUT
                memo[Int(try uint(4))] = try top()
            case 0x70:  // PUT (text)
                guard let i = Int(try line()) else { throw fail("invalid memo index") }
                memo[i] = try top()
            case 0x94:  // MEMOIZE
                memo[memo.count] = try top()
            case 0x68, 0x6A, 0x67:  // BINGET, LONG_BINGET, GET
                let i: Int
                switch op {
                case 0x68: i = try u8()
                case 0x6A: i = Int(try uint(4))
                default:
                    guard let n = Int(try line()) else { throw fail("invalid memo index") }
                    i = n
                }
                guard let value = memo[i] else { throw fail("memo entry \(i) is missing") }
                stack.append(value)
            case 0x63:  // GLOBAL
                let module = try line()
                let name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop()
                let module = try pop()
                guard case .string(let n) = name, case .string(let m) = module else { throw fail("STACK_GLOBAL needs two strings") }
                stack.append(.global(module: m, name: n))
            case 0x52:  // REDUCE
                let args = try tupleArgs(try pop())
                let callable = try pop()
                stack.append(try call(callable, args))
            case 0x81:  // NEWOBJ
                let args = try tupleArgs(try pop())
                let cls = try pop()
                stack.append(try call(cls, args))
            case 0x92:  // NEWOBJ_EX
                _ = try pop()  // kwargs
                let args = try tupleArgs(try pop())
                let cls = try pop()
                stack.append(try call(cls, args))
            case 0x6F:  // OBJ
                let items = try popMark()
                guard let cls = items.first else { throw fail("OBJ without a class") }
                stack.append(try call(cls, Array(items.dropFirst())))
            case 0x69:  // INST
                let module = try line()
                let name = try line()
                let args = try popMark()
                stack.append(try call(.global(module: module, name: name), args))
            case 0x62:  // BUILD: set state (e.g. an OrderedDict's `_metadata`); ignored, nothing is executed.
                _ = try pop()
                _ = try top()
            case 0x51:  // BINPERSID
                let pid = try pop()
                stack.append(try resolver.persistentLoad(pid, machine: self))
            case 0x50:  // PERSID
                let pid = PickleValue.string(try line())
                stack.append(try resolver.persistentLoad(pid, machine: self))
            default:
                let names: [UInt8: String] = [0x53: "STRING", 0x56: "UNICODE", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
                                              0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER"]
                throw fail(names[op].map { "unsupported opcode \($0)" } ?? "unknown opcode")
            }
        }
        throw failure("corrupt pickle: truncated (no STOP opcode)")
    }
}
