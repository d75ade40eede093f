package dev.jacobi.algorithms.bitnet;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * A text as a sequence of character ids, for character-level language models.
 *
 * <p>The bundled text ({@link #genesis()}) is the Book of Genesis in the King James Version (1611,
 * public domain; see the project's NOTICE), one verse per line, as Debian's {@code bible-kjv-text}
 * package ships it (decoded with its {@code bible} reader, verse references removed): 196,818
 * characters over 60 distinct ones.
 *
 * @param text       the text
 * @param vocabulary the distinct characters in increasing order; a character's id is its index here
 * @param ids        the text as ids, one per character
 */
public record CharCorpus(String text, char[] vocabulary, int[] ids) {
    /** The resource holding the bundled text, gzip-compressed UTF-8. */
    public static final String GENESIS_RESOURCE = "kjv-genesis.txt.gz";

    /**
     * The corpus of {@code text}, with the characters it contains as vocabulary.
     *
     * @throws IllegalArgumentException when the text has fewer than two characters
     */
    public static CharCorpus of(String text) {
        if (text == null || text.length() < 2) {
            throw new IllegalArgumentException("CharCorpus.of: the text needs at least two characters, got "
                    + (text == null ? "null" : text.length()));
        }
        TreeSet<Character> set = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            set.add(text.charAt(i));
        }
        char[] vocab = new char[set.size()];
        int k = 0;
        for (char c : set) {
            vocab[k++] = c;
        }
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Arrays.binarySearch(vocab, text.charAt(i));
        }
        return new CharCorpus(text, vocab, ids);
    }

    /**
     * The bundled Book of Genesis (KJV).
     *
     * @throws UncheckedIOException when the resource is missing or unreadable
     */
    public static CharCorpus genesis() {
        InputStream in = CharCorpus.class.getResourceAsStream(GENESIS_RESOURCE);
        if (in == null) {
            throw new UncheckedIOException(new IOException("CharCorpus.genesis: the resource "
                    + CharCorpus.class.getPackageName().replace('.', '/') + "/" + GENESIS_RESOURCE + " is missing"));
        }
        try (GZIPInputStream z = new GZIPInputStream(in)) {
            return of(new String(z.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("CharCorpus.genesis: cannot read " + GENESIS_RESOURCE, e);
        }
    }

    /** The number of distinct characters. */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** The number of characters. */
    public int length() {
        return ids.length;
    }

    /**
     * Next-character examples from the characters {@code [from, to)}: for each position {@code p} with
     * {@code from + context <= p < to}, the features are the ids of {@code p - context .. p - 1} and the
     * label is the id at {@code p}; every {@code stride}-th position is taken.
     *
     * @return features INT32 {@code [n, context]}, labels INT32 {@code [n]}
     * @throws IllegalArgumentException when the range or the sizes are invalid or hold no example
     */
    public Dataset windows(int context, int from, int to, int stride) {
        if (context < 1 || stride < 1 || from < 0 || to > ids.length || to - from <= context) {
            throw new IllegalArgumentException("CharCorpus.windows: need context >= 1, stride >= 1 and 0 <= from < from + context < to <= "
                    + ids.length + ", got context " + context + ", stride " + stride + ", range [" + from + ", " + to + ")");
        }
        int n = (to - from - context + stride - 1) / stride;
        int[] features = new int[n * context];
        int[] labels = new int[n];
        for (int e = 0; e < n; e++) {
            int p = from + context + e * stride;
            System.arraycopy(ids, p - context, features, e * context, context);
            labels[e] = ids[p];
        }
        return new Dataset(Tensor.ofInts(features, n, context), Tensor.ofInts(labels, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharCorpus c && text.equals(c.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "CharCorpus(" + ids.length + " characters, " + vocabulary.length + " distinct)";
    }
}
