import Foundation

/// The generic image-folder layout `ROOT/<class>/*.jpg|png`: each sub-folder of the root is a class,
/// named by any ``Emotion`` alias (`anger`, `happiness`, `sadness`... are canonicalised).
///
/// Images may sit in nested folders below their class folder. Files that are not images, and files
/// directly in the root, are counted as unrecognised; images of classes outside the label set are
/// skipped and counted per class. Samples come sorted by relative path.
public enum ImageFolder {
    /// Recognised image extensions (case-insensitive).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp"]

    /// Indexes `ROOT/<class>/…`.
    /// - Parameters:
    ///   - root: The folder holding one sub-folder per class.
    ///   - corpus: Recorded in each sample (``Corpus/imageFolder``, ``Corpus/ckplus``, ``Corpus/fer2013``).
    ///   - usage: The FER2013 usage of every image (for a FER2013 split folder); when `nil` and
    ///     `corpus` is ``Corpus/fer2013``, the usage is read from the file-name prefix
    ///     (`Training_`, `PublicTest_`, `PrivateTest_`).
    public static func load(
        root: String, corpus: Corpus = .imageFolder, usage: FER2013Usage? = nil, options: LoadOptions = LoadOptions()
    ) throws -> LoadedDataset<FaceImage> {
        try FileScan.requireDirectory(root)
        var result = LoadedDataset<FaceImage>(samples: [])
        try scan(root: root, prefix: "", corpus: corpus, usage: usage, options: options, into: &result)
        guard !result.samples.isEmpty || result.report.skippedTotal > 0 else {
            throw DatasetError.noRecognisedFiles(path: root, expected: "<class>/*.jpg|png image folders")
        }
        return result
    }

    /// Scans class folders below `root`; relative paths in the report get `prefix`.
    static func scan(
        root: String, prefix: String, corpus: Corpus, usage: FER2013Usage?, options: LoadOptions,
        into result: inout LoadedDataset<FaceImage>
    ) throws {
        let (classDirs, looseFiles) = try FileScan.entries(of: root)
        if options.strict, let f = looseFiles.first {
            throw DatasetError.malformedFileName(path: FileScan.join(root, f), reason: "file outside any class folder")
        }
        for f in looseFiles { result.report.recordUnrecognised(prefix + f) }
        for dir in classDirs {
            let label = Emotion(dir)
            let classRoot = FileScan.join(root, dir)
            for relative in try FileScan.filesRecursively(under: classRoot) {
                let name = FileScan.lastComponent(relative)
                guard imageExtensions.contains(FileScan.fileExtension(name)) else {
                    if options.strict {
                        throw DatasetError.malformedFileName(
                            path: FileScan.join(classRoot, relative), reason: "not an image (jpg, jpeg, png, bmp)")
                    }
                    result.report.recordUnrecognised(prefix + dir + "/" + relative)
                    continue
                }
                guard options.labels.contains(label) else {
                    result.report.recordSkipped(label)
                    continue
                }
                var sampleUsage = usage
                if corpus == .fer2013 { sampleUsage = FER2013Folders.usage(fromFileName: name) ?? usage }
                result.samples.append(
                    FaceImage(path: FileScan.join(classRoot, relative), label: label, usage: sampleUsage, corpus: corpus))
            }
        }
    }
}

/// FER2013 in its common image-folder form: `ROOT/train/<class>/Training_<n>.jpg` and
/// `ROOT/validation/<class>/PublicTest_<n>.jpg` (also `test/`, `val/`, `PublicTest/`, `PrivateTest/`).
///
/// Each image's usage comes from its file-name prefix when it has one, otherwise from its split
/// folder (`train` → Training, `validation`/`val`/`PublicTest` → PublicTest, `PrivateTest` →
/// PrivateTest; a folder named `test` without prefixes gives no usage). A root without split
/// folders is read as a single `ROOT/<class>/` tree (e.g. a path straight to `train/`).
public enum FER2013Folders {
    /// Indexes a FER2013 image-folder tree.
    public static func load(root: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FaceImage> {
        try FileScan.requireDirectory(root)
        let (dirs, looseFiles) = try FileScan.entries(of: root)
        let splitDirs = dirs.filter { splitUsage(folder: $0) != nil }
        guard !splitDirs.isEmpty else {
            return try ImageFolder.load(root: root, corpus: .fer2013, options: options)
        }
        var result = LoadedDataset<FaceImage>(samples: [])
        for f in looseFiles { result.report.recordUnrecognised(f) }
        for dir in dirs {
            guard let usage = splitUsage(folder: dir) else {
                // A folder that is not a split: its files are not part of the layout.
                for f in try FileScan.filesRecursively(under: FileScan.join(root, dir)) {
                    result.report.recordUnrecognised(dir + "/" + f)
                }
                continue
            }
            try ImageFolder.scan(
                root: FileScan.join(root, dir), prefix: dir + "/", corpus: .fer2013, usage: usage,
                options: options, into: &result)
        }
        guard !result.samples.isEmpty || result.report.skippedTotal > 0 else {
            throw DatasetError.noRecognisedFiles(path: root, expected: "train/<class>/*.jpg and validation/<class>/*.jpg")
        }
        return result
    }

    /// The usage a split folder implies: `nil` if `folder` is not a split folder; `.some(nil)` for a
    /// split folder whose usage is not implied (`test`).
    static func splitUsage(folder: String) -> FER2013Usage?? {
        switch folder.lowercased() {
        case "test", "testing": return .some(nil)
        default:
            guard let usage = FER2013Usage(name: folder) else { return nil }
            return .some(usage)
        }
    }

    /// The usage a file-name prefix names (`Training_3.jpg` → Training), or `nil`.
    public static func usage(fromFileName name: String) -> FER2013Usage? {
        guard let underscore = name.firstIndex(of: "_") else { return nil }
        return FER2013Usage(rawValue: String(name[..<underscore]))
    }
}

/// CK+ (extended Cohn-Kanade) arranged as emotion folders: `ROOT/anger/…png`, `contempt`,
/// `disgust`, `fear`, `happy`, `sadness`, `surprise` (plus `neutral` in some exports). With the
/// default six-class label set, `contempt` and `surprise` are skipped and counted.
public enum CKPlus {
    /// Indexes a CK+ emotion-folder tree.
    public static func load(root: String, options: LoadOptions = LoadOptions()) throws -> LoadedDataset<FaceImage> {
        try ImageFolder.load(root: root, corpus: .ckplus, options: options)
    }
}
