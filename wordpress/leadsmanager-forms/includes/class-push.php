<?php
/**
 * The optional signed push: each submission is POSTed to LeadsManager's
 * /api/v1/intake/wordpress/{site} once the visitor has had their answer. A failed push loses
 * nothing: the sync reads the same submission later, and LeadsManager stores it once.
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Push {
	public const PATH    = '/api/v1/intake/wordpress/';
	private const TIMEOUT = 3;

	/** @var list<array{form_id: string, submission: array<string, mixed>}> */
	private static array $queued = array();

	public static function register(): void {
		add_action( 'leadsmanager_forms_recorded', array( self::class, 'queue' ), 10, 2 );
	}

	/**
	 * @return array{url: string, site: string, secret: string}
	 */
	public static function settings(): array {
		$saved = get_option( PUSH_OPTION, array() );
		$saved = is_array( $saved ) ? $saved : array();
		return array(
			'url'    => (string) ( $saved['url'] ?? '' ),
			'site'   => (string) ( $saved['site'] ?? '' ),
			'secret' => (string) ( $saved['secret'] ?? '' ),
		);
	}

	public static function enabled(): bool {
		$settings = self::settings();
		return '' !== $settings['url'] && '' !== $settings['site'] && '' !== $settings['secret'];
	}

	public static function endpoint(): string {
		$settings = self::settings();
		return untrailingslashit( $settings['url'] ) . self::PATH . rawurlencode( $settings['site'] );
	}

	/**
	 * @param array<string, mixed> $submission
	 */
	public static function queue( string $form_id, array $submission ): void {
		if ( ! self::enabled() ) {
			return;
		}
		if ( ! self::$queued ) {
			add_action( 'shutdown', array( self::class, 'send_queued' ), 100 );
		}
		self::$queued[] = array( 'form_id' => $form_id, 'submission' => $submission );
	}

	public static function send_queued(): void {
		// Under PHP-FPM (or LiteSpeed) the visitor's answer is sent first, so a slow LeadsManager
		// never holds up the form.
		if ( function_exists( 'fastcgi_finish_request' ) ) {
			fastcgi_finish_request();
		} elseif ( function_exists( 'litespeed_finish_request' ) ) {
			litespeed_finish_request();
		}
		foreach ( self::$queued as $push ) {
			try {
				self::send( $push['form_id'], $push['submission'] );
			} catch ( \Throwable $e ) {
				self::remember( false, 'not sent: ' . $e->getMessage() );
			}
		}
		self::$queued = array();
	}

	/**
	 * @param array<string, mixed> $submission
	 */
	private static function send( string $form_id, array $submission ): void {
		$body     = (string) wp_json_encode( array( 'form_id' => $form_id, 'submission' => $submission ), JSON_UNESCAPED_UNICODE );
		$stamp    = (string) time();
		$response = wp_remote_post(
			self::endpoint(),
			array(
				'timeout'     => self::TIMEOUT,
				'redirection' => 0,
				'user-agent'  => 'LeadsManager Forms/' . VERSION,
				'headers'     => array(
					'Content-Type'             => 'application/json',
					'X-LeadsManager-Timestamp' => $stamp,
					'X-LeadsManager-Signature' => self::signature( $stamp, $body ),
				),
				'body'        => $body,
			)
		);
		if ( is_wp_error( $response ) ) {
			self::remember( false, 'not reached: ' . $response->get_error_message() );
			return;
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$ok     = 200 === $status || 201 === $status;
		self::remember( $ok, sprintf( 'submission %s of %s: HTTP %d', $submission['id'], $form_id, $status ) );
	}

	/**
	 * What LeadsManager checks: sha256=HMAC-SHA256(secret, "<unix seconds>." + raw body), in hex.
	 */
	public static function signature( string $stamp, string $body ): string {
		return 'sha256=' . hash_hmac( 'sha256', $stamp . '.' . $body, self::settings()['secret'] );
	}

	private static function remember( bool $ok, string $detail ): void {
		update_option( PUSH_STATUS_OPTION, array( 'at' => time(), 'ok' => $ok, 'detail' => $detail ), false );
	}
}
