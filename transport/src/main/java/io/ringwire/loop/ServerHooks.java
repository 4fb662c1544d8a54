package io.ringwire.loop;

/** What a connection tells the server that accepted it. */
public interface ServerHooks {
    /** One of the server's connections closed. Called on the connection's loop thread. */
    void connectionClosed(java.net.InetSocketAddress remote);
}
