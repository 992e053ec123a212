<?php
/**
 * One submission's fields as the contract wants them: name => string, named by label.
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Fields {
	// LeadsManager keeps at most 10,000 characters of any value; longer ones would only fill the table.
	public const MAX_VALUE = 10000;

	/** @var array<string, string> */
	private array $values = array();

	/**
	 * Adds one field under its label; a field without a label goes under its key, and a label
	 * already taken in this submission becomes "label (key)", so that two fields never overwrite
	 * each other. Empty values are left out: the contract treats a missing field as not filled in.
	 */
	public function add( string $label, string $key, mixed $value, string $glue = ', ' ): void {
		$text = self::flatten( $value, $glue );
		if ( '' === $text ) {
			return;
		}
		$label = trim( wp_strip_all_tags( $label ) );
		$name  = '' === $label ? $key : $label;
		if ( isset( $this->values[ $name ] ) ) {
			$name = $label . ' (' . $key . ')';
		}
		for ( $n = 2; isset( $this->values[ $name ] ); $n++ ) {
			$name = $label . ' (' . $key . ' ' . $n . ')';
		}
		$this->values[ $name ] = mb_substr( $text, 0, self::MAX_VALUE );
	}

	/** @return array<string, string> */
	public function to_array(): array {
		return $this->values;
	}

	/**
	 * A value as one string: checkboxes and multi-selects joined by ", ", nested arrays flattened,
	 * numbers as text, blanks dropped.
	 */
	public static function flatten( mixed $value, string $glue = ', ' ): string {
		if ( is_array( $value ) ) {
			$parts = array_map( static fn ( $item ): string => self::flatten( $item, $glue ), $value );
			return implode( $glue, array_filter( $parts, static fn ( string $part ): bool => '' !== $part ) );
		}
		if ( is_bool( $value ) ) {
			return $value ? '1' : '';
		}
		if ( is_scalar( $value ) ) {
			return trim( (string) $value );
		}
		return '';
	}

	/**
	 * A value some form plugins keep PHP-serialized (Formidable's checkboxes, Gravity Forms' lists):
	 * unserialized without ever building an object.
	 */
	public static function unserialized( mixed $value ): mixed {
		if ( is_string( $value ) && is_serialized( $value ) ) {
			// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.serialize_unserialize -- no classes allowed.
			$decoded = @unserialize( trim( $value ), array( 'allowed_classes' => false ) );
			return false === $decoded && 'b:0;' !== trim( $value ) ? $value : $decoded;
		}
		return $value;
	}
}
