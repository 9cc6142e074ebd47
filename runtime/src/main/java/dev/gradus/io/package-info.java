/**
 * Saving and loading tensors. {@link dev.gradus.io.Checkpoint} writes named tensors (a
 * model's parameters and a solver's state) to one file in a documented binary format with a
 * CRC-32C checksum, through a temporary file and an atomic rename, and refuses truncated or
 * corrupt files with a {@link dev.gradus.io.CheckpointException} naming the file and the
 * problem. The format is described in docs/CHECKPOINT_FORMAT.md.
 */
package dev.gradus.io;
