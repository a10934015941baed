package dev.mrt2.cli;

import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.audio.Spectrogram;
import dev.mrt2.host.audio.WavFormat;
import dev.mrt2.host.audio.WavWriter;
import dev.mrt2.model.Mrt2Constants;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the audio goes and how it is synthesised and stored; shared by {@code decode} and {@code render}. */
final class AudioOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--out", required = true, paramLabel = "FILE.wav",
            description = "The WAV file: 48 kHz, 2 channels, written atomically.")
    Path out;

    @Option(names = "--format", defaultValue = "pcm16", paramLabel = "FMT",
            description = "pcm16 (16-bit PCM, default) or f32 (32-bit float). Samples are 0.5 x the decoder's audio, "
                    + "as Google's system maps it to int16 (pcm16 clips at full scale, f32 does not).")
    String format;

    @Option(names = "--spectrogram", paramLabel = "FILE.png",
            description = "Also draw a log-magnitude spectrogram with a time axis (10 ms per pixel column).")
    Path spectrogram;

    @Option(names = "--istft-window", defaultValue = "normalized", paramLabel = "W",
            description = "Inverse STFT synthesis window: normalized (Google's reference, default) or plain-hann "
                    + "(the iPhone port's).")
    String istftWindow;

    WavFormat format() {
        return switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "pcm16" -> WavFormat.PCM16;
            case "f32" -> WavFormat.F32;
            default -> throw new ParameterException(mixee.commandLine(), "--format " + format
                    + ": expected pcm16 or f32");
        };
    }

    InverseStft.Window window() {
        return switch (istftWindow.toLowerCase(java.util.Locale.ROOT)) {
            case "normalized" -> InverseStft.Window.NORMALIZED;
            case "plain-hann" -> InverseStft.Window.PLAIN_HANN;
            default -> throw new ParameterException(mixee.commandLine(), "--istft-window " + istftWindow
                    + ": expected normalized or plain-hann");
        };
    }

    /** The files this command writes, for {@link OutputFiles#requireDistinct}. */
    List<OutputFiles.Named> outputs() {
        return List.of(new OutputFiles.Named("--out", out), new OutputFiles.Named("--spectrogram", spectrogram));
    }

    /** Checks the options and that the outputs can be written, before any long work. */
    void check() {
        format();
        window();
        OutputFiles.requireWritable(out, spectrogram);
    }

    /** Writes the WAV (and the PNG); returns facts for the report. */
    Map<String, Object> write(float[][] pcm) {
        WavFormat f = format();
        byte[] wav = WavWriter.bytes(pcm, Mrt2Constants.SAMPLE_RATE, f);
        dev.mrt2.io.AtomicFile.write(out, wav);
        if (spectrogram != null) {
            Spectrogram.write(spectrogram, pcm, Mrt2Constants.SAMPLE_RATE);
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("out", out.toString());
        m.put("format", f.name().toLowerCase(java.util.Locale.ROOT));
        m.put("sample_rate", Mrt2Constants.SAMPLE_RATE);
        m.put("channels", pcm.length);
        m.put("samples_per_channel", pcm[0].length);
        m.put("seconds", (double) pcm[0].length / Mrt2Constants.SAMPLE_RATE);
        m.put("bytes", wav.length);
        m.put("sha256", dev.mrt2.mil.pkg.Digests.sha256(wav));
        m.put("istft_window", istftWindow.toLowerCase(java.util.Locale.ROOT));
        m.put("spectrogram", spectrogram == null ? null : spectrogram.toString());
        return m;
    }
}
