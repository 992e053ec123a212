<?php
/**
 * Contact Form 7: `wpcf7_before_send_mail( $contact_form, &$abort, $submission )` (CF7 5.2+; older
 * versions pass only the form). Fields are named by their form-tag name (`your-email`): CF7 has no labels.
 */

namespace LeadsManager\Forms\Sources;

use LeadsManager\Forms\Fields;
use LeadsManager\Forms\Store;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Contact_Form_7 {
	public const SOURCE = 'cf7';
	public const PREFIX = 'cf7-';

	public static function register(): void {
		// Late, so that a plugin stopping the submission (setting $abort) has had its say.
		add_action( 'wpcf7_before_send_mail', array( self::class, 'before_send_mail' ), 30, 3 );
	}

	/**
	 * @param \WPCF7_ContactForm  $contact_form
	 * @param bool                $abort
	 * @param ?\WPCF7_Submission  $submission
	 */
	public static function before_send_mail( $contact_form = null, $abort = false, $submission = null ): void {
		if ( $abort ) {
			return;
		}
		if ( null === $submission && class_exists( '\WPCF7_Submission' ) ) {
			$submission = \WPCF7_Submission::get_instance();
		}
		Store::capture( self::SOURCE, static fn (): ?array => self::read( $contact_form, $submission ) );
	}

	/**
	 * @return ?array{0: string, 1: null, 2: Fields}
	 */
	private static function read( mixed $contact_form, mixed $submission ): ?array {
		// "do_not_store" (a form setting, or a storage consent left unticked) means exactly that.
		if ( ! is_object( $contact_form ) || ! is_object( $submission ) || $submission->get_meta( 'do_not_store' ) ) {
			return null;
		}
		$fields = new Fields();
		foreach ( (array) $submission->get_posted_data() as $name => $value ) {
			if ( ! str_starts_with( (string) $name, '_' ) ) { // CF7's own hidden fields
				$fields->add( (string) $name, (string) $name, $value );
			}
		}
		return array( self::PREFIX . (int) $contact_form->id(), null, $fields );
	}

	public static function form_exists( string $id ): bool {
		return ctype_digit( $id ) && 'wpcf7_contact_form' === get_post_type( (int) $id );
	}
}
