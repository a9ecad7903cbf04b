import type vi from '../vi/home';

export default {
} satisfies Record<keyof typeof vi, string>;
