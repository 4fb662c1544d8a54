/**
 * The binary frame protocol of the contract (version 1): a 13-byte header with a CRC-32, then
 * the body; PING, PONG, ECHO, ECHO_REPLY and ERROR.
 *
 * <p>{@link io.ringwire.protocol.frame.FrameDecoder} checks every rule as early as the bytes allow;
 * {@link io.ringwire.protocol.frame.FrameWriter} writes frames; {@link io.ringwire.protocol.frame.FrameServer}
 * and {@link io.ringwire.protocol.frame.FrameClient} are the two sides, and
 * {@link io.ringwire.protocol.frame.Heartbeat} keeps a connection honest with PINGs.
 */
package io.ringwire.protocol.frame;
