package io.ringwire.protocol.http;

import static io.ringwire.protocol.testutil.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class HttpRouterTest {
    private final List<String> served = new ArrayList<>();
    private final HttpRouter router = HttpRouter.builder()
            .get("/a", (req, res) -> served.add("a"))
            .route(HttpMethod.POST, "/a", (req, res) -> served.add("post a"))
            .prefix(HttpMethod.GET, "/files/", (req, res) -> served.add("file " + req.path().substring(7)))
            .build();

    private HttpResponse route(String request) throws Exception {
        HttpResponse response = new HttpResponse();
        byte[] b = ascii(request);
        new HttpRequestDecoder(HttpServerConfig.defaults(), req -> {
            try {
                router.handle(req, response);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return true;
        }).decode(new UnsafeBuffer(b), 0, b.length);
        return response;
    }

    @Test
    void methodAndPathPickTheHandler() throws Exception {
        route("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
        route("POST /a HTTP/1.1\r\nHost: h\r\n\r\n");
        route("HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n");
        route("GET /files/x.txt HTTP/1.1\r\nHost: h\r\n\r\n");
        route("GET /a?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(List.of("a", "post a", "a", "file x.txt", "a"), served);
    }

    @Test
    void unknownPathsGet404AndWrongMethods405() throws Exception {
        assertEquals(404, route("GET /b HTTP/1.1\r\nHost: h\r\n\r\n").status());
        assertEquals(404, route("GET /ab HTTP/1.1\r\nHost: h\r\n\r\n").status());
        assertEquals(405, route("DELETE /a HTTP/1.1\r\nHost: h\r\n\r\n").status());
        assertEquals(405, route("BREW /a HTTP/1.1\r\nHost: h\r\n\r\n").status());
        assertEquals(List.of(), served);
    }
}
