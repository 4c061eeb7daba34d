import Foundation
import Testing
import Torch
@testable import VoiceEmotion

/// Parity with openai-whisper's `log_mel_spectrogram` on 1 s of real RAVDESS speech.
@Suite struct LogMelTests {
    @Test func melFiltersMatchWhisperAssets() throws {
        let fx = try VoiceFixture.load("logmel.safetensors")
        let mine = try LogMelSpectrogram(melBins: 80).filters()
        #expect(try VoiceFixture.maxAbsDiff(mine, fx.fixtureTensor("filters_80")) < 1e-7)
        // 128 bins (large-v3): every 16th row.
        let big = try LogMelSpectrogram(melBins: 128).filters().slice(dim: 0, start: 0, end: nil, step: 16)
        #expect(try VoiceFixture.maxAbsDiff(big, fx.fixtureTensor("filters_128_rows")) < 1e-7)
    }

    @Test func slaneyScaleIsContinuousAtOneKilohertz() {
        #expect(abs(LogMelSpectrogram.hzToMel(1000) - 15) < 1e-12)
        #expect(abs(LogMelSpectrogram.melToHz(LogMelSpectrogram.hzToMel(3210.5)) - 3210.5) < 1e-9)
        #expect(abs(LogMelSpectrogram.melToHz(LogMelSpectrogram.hzToMel(400)) - 400) < 1e-9)
    }

    @Test func trueLengthMatchesWhisper() throws {
        let fx = try VoiceFixture.load("logmel.safetensors")
        let audio = try fx.fixtureTensor("audio").floats()
        let mel = try LogMelSpectrogram()(audio)
        #expect(mel.shape == [80, 100])
        let diff = try VoiceFixture.maxAbsDiff(mel, fx.fixtureTensor("mel"))
        #expect(diff < 1e-4, "max abs diff \(diff)")
    }

    @Test func paddedTo30sMatchesWhisper() throws {
        let fx = try VoiceFixture.load("logmel.safetensors")
        let audio = try fx.fixtureTensor("audio").floats()
        let mel = try LogMelSpectrogram()(audio, padTo30s: true)
        #expect(mel.shape == [80, 3000])
        let head = try fx.fixtureTensor("mel_padded_head")
        #expect(try VoiceFixture.maxAbsDiff(mel.slice(dim: 1, start: 0, end: head.size(1)), head) < 1e-4)
        #expect(try VoiceFixture.maxAbsDiff(mel.slice(dim: 1, start: 2996), fx.fixtureTensor("mel_padded_tail")) < 1e-4)
    }

    @Test func padOrTrim() {
        #expect(LogMelSpectrogram.padOrTrim([1, 2, 3], length: 5) == [1, 2, 3, 0, 0])
        #expect(LogMelSpectrogram.padOrTrim([1, 2, 3], length: 2) == [1, 2])
        #expect(LogMelSpectrogram.padOrTrim([Float](repeating: 1, count: 10)).count == 480_000)
    }

    @Test func tooShortAudioIsAnError() throws {
        #expect(throws: TorchError.self) { try LogMelSpectrogram()([Float](repeating: 0.1, count: 100)) }
        // Silence is fine: everything clamps to the same floor.
        let mel = try LogMelSpectrogram()([Float](repeating: 0, count: 1600))
        #expect(mel.shape == [80, 10])
    }
}
