package dev.imagine.tools;

import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.write.BlockedWeightsWriter;
import dev.imagine.engine.write.Qwen3Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code imagine model random|convert|block}: write Qwen3 checkpoints (random weights of a known shape, or a GGUF
 * conversion), or a checkpoint's blocked matrices for fast loads.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Write Qwen3 checkpoints: random weights of a known shape, a GGUF conversion (e.g. Q8_0), or the kernels' blocked layout of a model's matrices.",
        subcommands = {ModelCommand.Random.class, ModelCommand.Convert.class, ModelCommand.Block.class})
final class ModelCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError("name a subcommand: random, convert or block (see imagine model --help)");
    }

    static DType dtype(String name, String option) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            case "f16" -> DType.F16;
            case "q8_0" -> DType.Q8_0;
            default -> throw new UserError(option + ": \"" + name + "\" is not one of f32, bf16, f16, q8_0");
        };
    }

    @Command(name = "random", mixinStandardHelpOptions = true,
            description = "Write deterministic random weights of a Qwen3 shape: a Hugging Face folder (config.json + safetensors) for f32/bf16/f16, DIR/model.gguf for q8_0.")
    static final class Random implements Runnable {
        @Option(names = "--shape", required = true, description = "tiny, qwen3-0.6b, qwen3-1.7b or qwen3-8b.")
        String shape;

        @Option(names = "--dtype", defaultValue = "bf16", description = "f32, bf16, f16 or q8_0 (default: ${DEFAULT-VALUE}).")
        String dtype;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, description = "Output folder.")
        Path out;

        @Override
        public void run() {
            Qwen3Config config = Qwen3Checkpoints.shape(shape);
            long start = System.nanoTime();
            try {
                Path written = Qwen3Checkpoints.writeRandom(config, ModelCommand.dtype(dtype, "--dtype"), seed, out, System.err);
                System.out.printf("wrote %s (%s, %s, seed %d) in %.1f s%n", written, shape, dtype, seed, (System.nanoTime() - start) / 1e9);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert a Qwen3 model (folder or .gguf) to a GGUF file with matrices in f32, bf16, f16 or q8_0 (norms stay f32).")
    static final class Convert implements Runnable {
        @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file.")
        Path model;

        @Option(names = "--to", required = true, description = "f32, bf16, f16 or q8_0.")
        String to;

        @Option(names = "--out", required = true, description = "The output .gguf file.")
        Path out;

        @Override
        public void run() {
            DType target = ModelCommand.dtype(to, "--to");
            long start = System.nanoTime();
            try (Qwen3Weights w = Qwen3Weights.openMapped(model)) {
                Qwen3Checkpoints.toGguf(w, target, out, System.err);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e.getMessage());
            }
            System.out.printf("wrote %s (%s) in %.1f s%n", out, to, (System.nanoTime() - start) / 1e9);
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true,
            description = {"Write a model's BF16 and Q8_0 matrices in the kernels' blocked layout (as loads copy them on 512-bit CPUs) "
                    + "to a file that later loads map instead: no blocking time at load, and no copy in memory (so the 8B shape in BF16 "
                    + "gets the blocked kernels on a 24 GB machine).",
                    "The file takes about the size of those matrices on disk; loads ignore it, with a warning, once the model's files change."})
    static final class Block implements Runnable {
        @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file.")
        Path model;

        @Option(names = "--out", description = "The file to write (default: where loads look for it, FOLDER/imagine-blocked.safetensors "
                + "or NAME.imagine-blocked.safetensors beside NAME.gguf; another path is used with -Dimagine.weights.blockedFile=PATH).")
        Path out;

        @Override
        public void run() {
            Path target = out != null ? out : Qwen3Weights.blockedPath(model);
            long start = System.nanoTime();
            try {
                BlockedWeightsWriter.write(model, target, System.err);
            } catch (IOException e) {
                throw new UserError("cannot write " + target + ": " + e.getMessage());
            }
            try {
                System.out.printf("wrote %s (%d MiB) in %.1f s%n", target, java.nio.file.Files.size(target) >> 20, (System.nanoTime() - start) / 1e9);
            } catch (IOException e) {
                throw new UserError("cannot read back " + target + ": " + e.getMessage());
            }
        }
    }
}
