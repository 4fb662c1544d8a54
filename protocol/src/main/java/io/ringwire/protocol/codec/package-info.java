/**
 * Framing over the transport: turning the byte stream that {@code onData} lends into whole
 * messages, and back.
 *
 * <p>{@link io.ringwire.protocol.codec.MessageDecoder} holds the shared algorithm (whole messages
 * handed on in place, a cut one gathered in the connection's
 * {@link io.ringwire.protocol.codec.Cumulation}, limits checked before memory is reserved);
 * {@link io.ringwire.protocol.codec.LengthFieldDecoder} and
 * {@link io.ringwire.protocol.codec.DelimiterDecoder} say where a message ends. Encoders write
 * what the decoders read; {@link io.ringwire.protocol.codec.DecodingHandler} plugs a decoder
 * into a connection. Bad input is a {@link io.ringwire.protocol.codec.CodecException}, and
 * {@link io.ringwire.protocol.codec.LingeringClose} ends only the connection at fault.
 *
 * <p>Everything here is per connection and confined to its loop thread unless a class says
 * otherwise.
 */
package io.ringwire.protocol.codec;
