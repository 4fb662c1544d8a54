package io.ringwire.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringwire.protocol.testutil.RecordingConnection;
import org.junit.jupiter.api.Test;

/** What goes on the wire for a response: status line, server's fields, framing, head then body. */
class HttpResponseEncoderTest {
    private final RecordingConnection connection = new RecordingConnection();
    private final HttpResponse response = new HttpResponse();
    private final HttpResponseEncoder encoder = new HttpResponseEncoder();

    @Test
    void aPlaintextResponseIsHeadThenBodyInTwoWrites() {
        response.contentType("text/plain").body("Hello, World!");
        encoder.write(connection, response, true, false, false);
        String wire = connection.text();
        assertTrue(wire.matches("HTTP/1\\.1 200 OK\r\nContent-Type: text/plain\r\nServer: ringwire\r\n"
                + "Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n"
                + "Content-Length: 13\r\n\r\nHello, World!"), wire);
        assertEquals(2, connection.writes, "one write for the head, one for the body: one writev on flush");
    }

    @Test
    void aPreparedHeaderWritesWhatTheCheckedOneWrites() {
        response.header("Content-Type", "text/plain");
        encoder.write(connection, response, true, false, false);
        String checked = connection.text();
        connection.clear();
        response.reset();
        response.header(HttpHeader.of("Content-Type", "text/plain"));
        encoder.write(connection, response, true, false, false);
        assertEquals(checked.replaceAll("Date: [^\r]*", ""), connection.text().replaceAll("Date: [^\r]*", ""));
        assertThrows(IllegalArgumentException.class, () -> HttpHeader.of("Date", "x"));
    }

    @Test
    void closeAndHttp10KeepAliveAreSaid() {
        encoder.write(connection, response, false, false, false);
        assertTrue(connection.text().contains("\r\nConnection: close\r\n"), connection.text());
        connection.clear();
        encoder.write(connection, response, true, true, false);
        assertTrue(connection.text().contains("\r\nConnection: keep-alive\r\n"), connection.text());
        connection.clear();
        encoder.write(connection, response, true, false, false);
        assertTrue(!connection.text().contains("Connection:"), connection.text());
    }

    @Test
    void headResponsesKeepTheLengthAndDropTheBody() {
        response.body("abc");
        encoder.write(connection, response, true, false, true);
        assertTrue(connection.text().endsWith("Content-Length: 3\r\n\r\n"), connection.text());
        assertEquals(1, connection.writes);
    }

    @Test
    void noContentHasNoLengthAndNoBody() {
        response.status(204).body("ignored");
        encoder.write(connection, response, true, false, false);
        assertTrue(connection.text().startsWith("HTTP/1.1 204 No Content\r\n"), connection.text());
        assertTrue(!connection.text().contains("Content-Length") && connection.text().endsWith("GMT\r\n\r\n"), connection.text());
    }

    @Test
    void headerInjectionAndServerFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> response.header("X", "a\r\nSet-Cookie: x"));
        assertThrows(IllegalArgumentException.class, () -> response.header("Bad Name", "v"));
        assertThrows(IllegalArgumentException.class, () -> response.header("content-LENGTH", "5"));
        assertThrows(IllegalArgumentException.class, () -> response.header("Connection", "close"));
        assertThrows(IllegalArgumentException.class, () -> response.status(99));
    }

    @Test
    void textBodiesAreUtf8AndNumbersAppend() {
        response.body("é=").append(42L);
        encoder.write(connection, response, true, false, false);
        assertTrue(connection.text().contains("Content-Length: 5\r\n"), connection.text());
    }

    @Test
    void theDateHeaderIsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(java.time.Instant.parse("1994-11-06T08:49:37Z")));
        assertEquals(HttpDate.LENGTH, HttpDate.now().length);
    }
}
