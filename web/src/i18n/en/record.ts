import type vi from '../vi/record';

export default {
} satisfies Record<keyof typeof vi, string>;
