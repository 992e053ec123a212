<?php
/**
 * GET /wp-json/leadsmanager/v1/forms/{form_id}/submissions?after_id=&per_page= (docs/wordpress-plugin.md).
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Rest {
	private const SOURCES = array(
		Sources\Formidable::class,
		Sources\Gravity_Forms::class,
		Sources\Contact_Form_7::class,
		Sources\Elementor::class,
	);

	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
	}

	public static function routes(): void {
		register_rest_route(
			'leadsmanager/v1',
			'/forms/(?P<form_id>[A-Za-z0-9_-]{1,100})/submissions',
			array(
				'methods'             => 'GET',
				'callback'            => array( self::class, 'submissions' ),
				// WordPress answers 401 when nobody is logged in, 403 when the user lacks the capability.
				'permission_callback' => static fn (): bool => current_user_can( CAPABILITY ),
				'args'                => array(
					'after_id' => array( 'type' => 'integer', 'minimum' => 0, 'default' => 0 ),
					'per_page' => array( 'type' => 'integer', 'minimum' => 1, 'maximum' => 100, 'default' => 10 ),
				),
			)
		);
	}

	public static function submissions( \WP_REST_Request $request ): \WP_REST_Response|\WP_Error {
		$form_id = (string) $request['form_id'];
		if ( ! self::known( $form_id ) ) {
			$message = 'No such form here, or its form plugin is inactive. Form ids look like frm-3, gf-1, cf7-57 or elementor-1a2b3c4 (Settings → LeadsManager lists those recorded).';
			return new \WP_Error( 'leadsmanager_unknown_form', $message, array( 'status' => 404 ) );
		}
		$page     = Store::page( $form_id, (int) $request['after_id'], (int) $request['per_page'] );
		$response = new \WP_REST_Response( $page, 200 );
		$response->header( 'Cache-Control', 'no-store' ); // a cached page would hide new submissions
		return $response;
	}

	/**
	 * A form with submissions recorded, or one its form plugin knows (an empty form is no error).
	 */
	private static function known( string $form_id ): bool {
		if ( Store::has_rows( $form_id ) ) {
			return true;
		}
		foreach ( self::SOURCES as $source ) {
			if ( str_starts_with( $form_id, $source::PREFIX ) ) {
				return $source::form_exists( substr( $form_id, strlen( $source::PREFIX ) ) );
			}
		}
		return false;
	}
}
