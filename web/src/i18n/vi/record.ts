// Strings of the record screens.
export default {
} as const;
