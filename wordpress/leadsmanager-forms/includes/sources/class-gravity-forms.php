<?php
/**
 * Gravity Forms: `gform_after_submission( $entry, $form )`. The entry holds values by field or input
 * id ("4", "1.3"); the form's fields give their labels and inputs.
 */

namespace LeadsManager\Forms\Sources;

use LeadsManager\Forms\Fields;
use LeadsManager\Forms\Store;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Gravity_Forms {
	public const SOURCE = 'gravityforms';
	public const PREFIX = 'gf-';
	// Fields that hold no answer, or one that must not leave the site.
	private const SKIPPED = array( 'captcha', 'creditcard', 'honeypot', 'html', 'page', 'password', 'section', 'submit' );

	public static function register(): void {
		add_action( 'gform_after_submission', array( self::class, 'after_submission' ), 30, 2 );
	}

	/**
	 * @param array<string, mixed> $entry
	 * @param array<string, mixed> $form
	 */
	public static function after_submission( $entry = array(), $form = array() ): void {
		// Gravity Forms fires this for entries its spam filter caught, too.
		if ( ! is_array( $entry ) || ! is_array( $form ) || 'spam' === ( $entry['status'] ?? '' ) ) {
			return;
		}
		Store::capture( self::SOURCE, static fn (): ?array => self::read( $entry, $form ) );
	}

	/**
	 * @param array<string, mixed> $entry
	 * @param array<string, mixed> $form
	 * @return array{0: string, 1: ?string, 2: Fields}
	 */
	private static function read( array $entry, array $form ): array {
		$fields = new Fields();
		foreach ( (array) ( $form['fields'] ?? array() ) as $field ) {
			$type = (string) self::property( $field, 'type' );
			if ( in_array( $type, self::SKIPPED, true ) ) {
				continue;
			}
			$label = (string) ( self::property( $field, 'label' ) ?: self::property( $field, 'adminLabel' ) );
			$id    = (string) self::property( $field, 'id' );
			// A name's parts read as one name; an address's or a checkbox's parts as a list.
			$fields->add( $label, $id, self::value( $field, $id, $type, $entry ), 'name' === $type ? ' ' : ', ' );
		}
		$entry_id = isset( $entry['id'] ) ? (string) $entry['id'] : null;
		return array( self::PREFIX . (int) ( $form['id'] ?? 0 ), $entry_id, $fields );
	}

	/**
	 * @param array<string, mixed> $entry
	 */
	private static function value( mixed $field, string $id, string $type, array $entry ): mixed {
		$inputs = self::property( $field, 'inputs' );
		if ( is_array( $inputs ) && $inputs ) {
			return array_map( static fn ( $input ) => $entry[ (string) self::property( $input, 'id' ) ] ?? '', $inputs );
		}
		$value = $entry[ $id ] ?? '';
		if ( 'multiselect' === $type && is_string( $value ) ) {
			// Kept as JSON by forms made with Gravity Forms 2.5+, comma separated before.
			$list = str_starts_with( $value, '[' ) ? json_decode( $value, true ) : explode( ',', $value );
			return is_array( $list ) ? $list : $value;
		}
		return 'list' === $type ? Fields::unserialized( $value ) : $value;
	}

	/**
	 * GF_Field objects (which are also ArrayAccess) or plain arrays, as other plugins pass them.
	 */
	private static function property( mixed $thing, string $name ): mixed {
		if ( is_array( $thing ) ) {
			return $thing[ $name ] ?? null;
		}
		return is_object( $thing ) && isset( $thing->$name ) ? $thing->$name : null;
	}

	public static function form_exists( string $id ): bool {
		return ctype_digit( $id ) && class_exists( '\GFAPI' ) && \GFAPI::form_id_exists( (int) $id );
	}
}
