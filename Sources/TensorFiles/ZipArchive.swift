import Foundation

/// A minimal read-only ZIP reader, sufficient for the archives `torch.save` writes.
///
/// PyTorch stores every entry uncompressed ("stored"), 64-byte aligned, with data descriptors and a
/// ZIP64 end-of-central-directory record. The central directory is read from the (ZIP64) end record;
/// local headers are only consulted for the length of their name and extra field. Every offset and size
/// is validated against the file before use: a truncated or hostile archive yields a `TensorFileError`,
/// never an out-of-range read. Compressed (deflate) entries are listed but cannot be read.
struct ZipArchive {
    struct Entry: Sendable {
        let name: String
        /// 0 = stored, 8 = deflate, ...
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// Entries in central-directory order.
    let entries: [Entry]
    private let index: [String: Int]
    private let data: Data
    private let fileName: String

    private static let eocdSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EOCDSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    /// Parses the central directory of `data`; `fileName` names the file in error messages.
    init(data: Data, fileName: String) throws {
        self.data = data
        self.fileName = fileName
        func fail(_ reason: String) -> TensorFileError { TensorFileError(file: fileName, reason: reason) }
        let reader = ByteReader(data: data, fail: fail)
        let size = data.count

        // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
        guard size >= 22 else {
            throw fail(size == 0 ? "empty file, not a PyTorch checkpoint" : "not a PyTorch checkpoint (\(size) bytes, too short for a ZIP archive)")
        }
        var eocd = -1
        var position = size - 22
        let lowest = max(0, size - 22 - 65535)
        while position >= lowest {
            if try reader.u32(position) == Self.eocdSignature {
                let commentLength = Int(try reader.u16(position + 20))
                if position + 22 + commentLength <= size { eocd = position; break }
            }
            position -= 1
        }
        guard eocd >= 0 else {
            throw fail(Self.looksTruncatedZip(reader) ? "truncated ZIP archive (no end-of-central-directory record)"
                : "not a PyTorch checkpoint (no ZIP end-of-central-directory record)")
        }
        let diskNumber = try reader.u16(eocd + 4)
        let directoryDisk = try reader.u16(eocd + 6)
        var entryCount = UInt64(try reader.u16(eocd + 10))
        var directorySize = UInt64(try reader.u32(eocd + 12))
        var directoryOffset = UInt64(try reader.u32(eocd + 16))
        var directoryEnd = eocd

        // ZIP64: a locator right before the end record points at the ZIP64 end record.
        if eocd >= 20, try reader.u32(eocd - 20) == Self.zip64LocatorSignature {
            let recordOffset = try reader.u64(eocd - 20 + 8)
            guard recordOffset <= UInt64(eocd - 20), Int(recordOffset) + 56 <= eocd - 20 else {
                throw fail("corrupt ZIP64 end-of-central-directory locator")
            }
            let record = Int(recordOffset)
            guard try reader.u32(record) == Self.zip64EOCDSignature else {
                throw fail("corrupt ZIP64 end-of-central-directory record")
            }
            guard try reader.u32(record + 16) == 0, try reader.u32(record + 20) == 0 else {
                throw fail("multi-disk ZIP archives are not supported")
            }
            entryCount = try reader.u64(record + 32)
            directorySize = try reader.u64(record + 40)
            directoryOffset = try reader.u64(record + 48)
            directoryEnd = record
        } else if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw fail("truncated or corrupt ZIP64 archive (missing ZIP64 end-of-central-directory locator)")
        } else if diskNumber != 0 || directoryDisk != 0 {
            throw fail("multi-disk ZIP archives are not supported")
        }
        guard directoryOffset <= UInt64(directoryEnd), directorySize <= UInt64(directoryEnd) - directoryOffset else {
            throw fail("truncated or corrupt ZIP archive (central directory lies outside the file)")
        }
        // Each central-directory record takes at least 46 bytes: bounds the count before allocating.
        guard entryCount <= directorySize / 46 else {
            throw fail("corrupt ZIP archive (\(entryCount) entries cannot fit a \(directorySize)-byte central directory)")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(Int(entryCount))
        var index: [String: Int] = [:]
        var cursor = Int(directoryOffset)
        let limit = Int(directoryOffset + directorySize)
        for _ in 0..<Int(entryCount) {
            guard cursor + 46 <= limit, try reader.u32(cursor) == Self.centralSignature else {
                throw fail("corrupt ZIP central directory at byte \(cursor)")
            }
            let flags = try reader.u16(cursor + 8)
            let method = try reader.u16(cursor + 10)
            let crc = try reader.u32(cursor + 16)
            var compressed = UInt64(try reader.u32(cursor + 20))
            var uncompressed = UInt64(try reader.u32(cursor + 24))
            let nameLength = Int(try reader.u16(cursor + 28))
            let extraLength = Int(try reader.u16(cursor + 30))
            let commentLength = Int(try reader.u16(cursor + 32))
            let startDisk = try reader.u16(cursor + 34)
            var localOffset = UInt64(try reader.u32(cursor + 42))
            let nameStart = cursor + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= limit else { throw fail("corrupt ZIP central directory at byte \(cursor)") }
            let nameBytes = try reader.bytes(nameStart, nameLength)
            let name = String(decoding: nameBytes, as: UTF8.self)

            // ZIP64 extended information (header 0x0001): each 8-byte field is present only when the
            // corresponding 32-bit field holds the 0xFFFFFFFF marker, in this order.
            var diskMarker = startDisk == 0xFFFF
            var extra = extraStart
            let extraEnd = extraStart + extraLength
            while extra + 4 <= extraEnd {
                let id = try reader.u16(extra)
                let length = Int(try reader.u16(extra + 2))
                let body = extra + 4
                guard body + length <= extraEnd else { throw fail("corrupt ZIP extra field in entry '\(name)'") }
                if id == 0x0001 {
                    var field = body
                    func next64() throws -> UInt64 {
                        guard field + 8 <= body + length else { throw fail("corrupt ZIP64 extra field in entry '\(name)'") }
                        defer { field += 8 }
                        return try reader.u64(field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                    if compressed == 0xFFFF_FFFF { compressed = try next64() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next64() }
                    if diskMarker {
                        guard field + 4 <= body + length else { throw fail("corrupt ZIP64 extra field in entry '\(name)'") }
                        guard try reader.u32(field) == 0 else { throw fail("multi-disk ZIP archives are not supported") }
                        diskMarker = false
                    }
                }
                extra = body + length
            }
            guard !diskMarker, startDisk == 0 || startDisk == 0xFFFF else {
                throw fail("multi-disk ZIP archives are not supported")
            }
            guard compressed <= UInt64(size), uncompressed <= UInt64(Int.max / 2), localOffset <= UInt64(size) else {
                throw fail("truncated or corrupt ZIP archive (entry '\(name)' lies outside the file)")
            }
            guard index[name] == nil else { throw fail("corrupt ZIP archive (duplicate entry '\(name)')") }
            index[name] = entries.count
            entries.append(Entry(name: name, method: method, flags: flags, crc32: crc,
                                 compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                                 localHeaderOffset: Int(localOffset)))
            cursor = next
        }
        self.entries = entries
        self.index = index
    }

    func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The bytes of a stored entry (a slice of the archive, not a copy), bounds- and CRC-checked.
    func contents(of entry: Entry) throws -> Data {
        func fail(_ reason: String) -> TensorFileError { TensorFileError(file: fileName, reason: reason) }
        guard entry.flags & 1 == 0 else { throw fail("entry '\(entry.name)' is encrypted") }
        switch entry.method {
        case 0: break
        case 8: throw fail("compressed entry '\(entry.name)' not supported (deflate); PyTorch writes entries uncompressed")
        default: throw fail("entry '\(entry.name)' uses unsupported ZIP compression method \(entry.method)")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw fail("corrupt ZIP entry '\(entry.name)' (stored, but sizes differ)")
        }
        let reader = ByteReader(data: data, fail: fail)
        let header = entry.localHeaderOffset
        guard header + 30 <= data.count, try reader.u32(header) == Self.localSignature else {
            throw fail("truncated or corrupt ZIP archive (bad local header for entry '\(entry.name)')")
        }
        let start = header + 30 + Int(try reader.u16(header + 26)) + Int(try reader.u16(header + 28))
        guard start <= data.count, entry.compressedSize <= data.count - start else {
            throw fail("truncated ZIP archive: entry '\(entry.name)' needs \(entry.compressedSize) bytes at offset \(start) of a \(data.count)-byte file")
        }
        let slice = data[(data.startIndex + start)..<(data.startIndex + start + entry.compressedSize)]
        let actual = slice.withUnsafeBytes { CRC32.checksum($0) }
        guard actual == entry.crc32 else {
            throw fail("corrupt ZIP entry '\(entry.name)' (CRC-32 mismatch)")
        }
        return slice
    }

    /// A file that starts with a local header but has no end record was most likely cut short.
    private static func looksTruncatedZip(_ reader: ByteReader) -> Bool {
        (try? reader.u32(0)) == localSignature
    }
}

/// Bounds-checked little-endian reads from `Data` (any start index).
struct ByteReader {
    let data: Data
    let fail: (String) -> TensorFileError

    private func check(_ offset: Int, _ count: Int) throws {
        guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else {
            throw fail("truncated: read of \(count) bytes at offset \(offset) past the end of a \(data.count)-byte file")
        }
    }

    func u16(_ offset: Int) throws -> UInt16 {
        try check(offset, 2)
        let b = data.startIndex + offset
        return UInt16(data[b]) | UInt16(data[b + 1]) << 8
    }

    func u32(_ offset: Int) throws -> UInt32 {
        try check(offset, 4)
        let b = data.startIndex + offset
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(data[b + i]) << (8 * UInt32(i)) }
        return value
    }

    func u64(_ offset: Int) throws -> UInt64 {
        try check(offset, 8)
        let b = data.startIndex + offset
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(data[b + i]) << (8 * UInt64(i)) }
        return value
    }

    func bytes(_ offset: Int, _ count: Int) throws -> Data {
        try check(offset, count)
        return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + count))
    }
}

/// CRC-32 (IEEE 802.3, as used by ZIP), slicing-by-8.
enum CRC32 {
    /// Eight 256-entry tables, flattened: table t at [t * 256 ..< (t + 1) * 256].
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        for t in 1..<8 {
            for i in 0..<256 {
                let previous = table[(t - 1) * 256 + i]
                table[t * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress else { return 0 }
        return table.withUnsafeBufferPointer { t -> UInt32 in
            let p = base.assumingMemoryBound(to: UInt8.self)
            var crc: UInt32 = 0xFFFF_FFFF
            var i = 0
            while i + 8 <= count {
                let lo = crc ^ (UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24)
                crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(p[i + 4])] ^ t[2 * 256 + Int(p[i + 5])]
                    ^ t[1 * 256 + Int(p[i + 6])] ^ t[Int(p[i + 7])]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(p[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
            return crc ^ 0xFFFF_FFFF
        }
    }
}
