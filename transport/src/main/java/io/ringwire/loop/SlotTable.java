package io.ringwire.loop;

import java.util.Arrays;

/**
 * Things a loop has handed to the kernel, by a token of slot and generation. The kernel echoes
 * the token back with each event or completion; a descriptor number would not do, as the kernel
 * reuses it as soon as it is closed, possibly within the same batch, and a stale event must never
 * reach the new owner. Confined to the loop thread.
 *
 * <p>A token is {@code (generation << 32) | slot} with a 24-bit generation, so the top byte is
 * free for a backend to tag (io_uring puts the operation there). The generation of a slot
 * changes when it is freed, so {@link #get} of an old token returns null.
 */
public final class SlotTable<T> {
    private Object[] items = new Object[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int next;
    private int size;

    /** Stores {@code item} and returns its token. */
    public long add(T item) {
        int slot = freeCount > 0 ? free[--freeCount] : next++;
        if (slot == items.length) {
            items = Arrays.copyOf(items, slot * 2);
            generations = Arrays.copyOf(generations, slot * 2);
            free = Arrays.copyOf(free, slot * 2);
        }
        items[slot] = item;
        size++;
        return token(slot);
    }

    /** The item of {@code token}, or null if that slot was freed since. */
    @SuppressWarnings("unchecked")
    public T get(long token) {
        int slot = (int) token;
        if (slot < 0 || slot >= next || generations[slot] != (int) (token >>> 32)) {
            return null;
        }
        return (T) items[slot];
    }

    /** Frees the slot of {@code token}; later lookups of it return null. */
    public void remove(long token) {
        int slot = (int) token;
        if (get(token) == null) {
            return;
        }
        items[slot] = null;
        generations[slot] = (generations[slot] + 1) & 0xFFFFFF;
        free[freeCount++] = slot;
        size--;
    }

    public int size() {
        return size;
    }

    /** Calls {@code action} for every item; the action may remove items. */
    @SuppressWarnings("unchecked")
    public void forEach(java.util.function.Consumer<T> action) {
        for (int i = 0; i < next; i++) {
            Object item = items[i];
            if (item != null) {
                action.accept((T) item);
            }
        }
    }

    private long token(int slot) {
        return ((long) generations[slot] << 32) | slot;
    }
}
