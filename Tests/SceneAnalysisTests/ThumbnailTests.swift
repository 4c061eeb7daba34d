import Director
import Foundation
import Media
import SceneAnalysis
import Testing

/// Thumbnails as the analysis stores them: the crop PNG-encoded (Media's `PNGEncoder`) and base64'd.
@Suite struct ThumbnailTests {
    @Test func rgbThumbnailHoldsTheEncodedPNG() {
        let px: [UInt8] = [255, 0, 0, 0, 0, 255]
        #expect(Thumbnail.picture(t: 0, width: 2, height: 1, channels: 3, pixels: px).pngData == PNGEncoder.encodeRGB(width: 2, height: 1, pixels: px))
    }

    @Test func thumbnailIsBase64PNG() throws {
        let px = (0..<(48 * 48)).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 48) }
        let thumb = Thumbnail.grayscale(t: 2.5, width: 48, height: 48, pixels: px)
        #expect(thumb.t == 2.5 && thumb.width == 48 && thumb.height == 48)
        #expect(thumb.png.hasPrefix("iVBORw0KGgo"))
        #expect(thumb.pngData == PNGEncoder.encodeGray(width: 48, height: 48, pixels: px))
    }
}
