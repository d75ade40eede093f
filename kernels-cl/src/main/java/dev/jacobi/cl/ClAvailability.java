package dev.jacobi.cl;

/**
 * Whether OpenCL can be used on this machine.
 *
 * @param available true when at least one platform with at least one device was found
 * @param message   one line: the devices found, or what was looked for and how to install PoCL
 */
public record ClAvailability(boolean available, String message) {
}
